"""Writes under load: tenants take turns, a burst of one does not starve another, and a
write that cannot get its turn in time is a 503 that wrote nothing, never a 500."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.config import Settings
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.db.fair import FairGate, FairQueue, QueueTimeout
from servicedesk.tickets.models import TicketNote
from tests.conftest import SEED_CREATE, ticket_count


def test_a_fair_queue_serves_keys_in_turn() -> None:
    queue: FairQueue[str] = FairQueue()
    for n in range(5):
        queue.push("busy", f"busy-{n}")
    queue.push("quiet", "quiet-0")
    queue.push("other", "other-0")

    served = [queue.pop() for _ in range(len(queue))]

    assert served[:3] == ["busy-0", "quiet-0", "other-0"]
    assert served[3:] == [f"busy-{n}" for n in range(1, 5)]


async def test_a_fair_gate_admits_a_waiting_tenant_before_the_busy_ones_next() -> None:
    gate = FairGate(capacity=1, timeout=5)
    admitted: list[str] = []

    async def hold(key: str, seconds: float) -> None:
        async with gate.turn(key):
            admitted.append(key)
            await asyncio.sleep(seconds)

    first = asyncio.create_task(hold("busy", 0.05))
    await asyncio.sleep(0)
    burst = [asyncio.create_task(hold("busy", 0.01)) for _ in range(5)]
    await asyncio.sleep(0)
    quiet = asyncio.create_task(hold("quiet", 0.01))
    await asyncio.gather(first, *burst, quiet)

    assert admitted[:3] == ["busy", "busy", "quiet"]


async def test_a_fair_gate_gives_up_on_a_waiter_past_its_time() -> None:
    gate = FairGate(capacity=1, timeout=0.05)
    async with gate.turn("a"):
        with pytest.raises(QueueTimeout):
            async with gate.turn("b"):
                pass
    async with gate.turn("c"):  # the slot was given back
        pass


async def test_one_tenants_burst_of_writes_does_not_starve_another(
    database: Database,
) -> None:
    table = f"burst_{uuid.uuid4().hex[:8]}"
    await database.write(
        lambda session: session.execute(text(f"CREATE TABLE {table} (n INTEGER, tenant TEXT)"))
    )
    finished: list[str] = []
    busy, quiet = uuid.uuid4(), uuid.uuid4()

    async def write(tenant: uuid.UUID, label: str) -> None:
        def unit(session: Session) -> None:
            session.execute(text(f"INSERT INTO {table} VALUES (1, :t)"), {"t": label})
            time.sleep(0.002)  # a write that costs something

        await database.write(unit, tenant_id=tenant)
        finished.append(label)

    burst = [asyncio.create_task(write(busy, "busy")) for _ in range(120)]
    await asyncio.sleep(0)
    lone = asyncio.create_task(write(quiet, "quiet"))
    try:
        await asyncio.gather(*burst, lone)
    finally:
        await database.write(lambda session: session.execute(text(f"DROP TABLE {table}")))

    assert finished.index("quiet") < 40  # served in turn, not after the whole burst


@pytest.fixture
def slow_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ticket create holds the database for 0.1 s."""
    from servicedesk.tickets.service import TicketService

    original = TicketService._store_new

    def slow(self: TicketService, *args: Any) -> Any:
        time.sleep(0.1)
        return original(self, *args)

    monkeypatch.setattr(TicketService, "_store_new", slow)


async def test_writes_past_their_turn_are_503_with_retry_after_and_write_nothing(
    client_with: Any, headers: dict[str, str], slow_writes: None, settings: Settings
) -> None:
    # Two writes at a time on PostgreSQL (SQLite has one writer whatever the pool).
    async with client_with(
        write_queue_timeout_seconds=0.3, db_pool_size=2, worker_embedded=False
    ) as client:
        responses = await asyncio.gather(
            *(client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers) for _ in range(30))
        )
        stored = await ticket_count(client, headers)

    statuses = [response.status_code for response in responses]
    refused = [response for response in responses if response.status_code == 503]
    assert set(statuses) == {201, 503}, statuses
    assert all(response.headers["Retry-After"] == "1" for response in refused)
    assert refused[0].json() == {"detail": "Too many writes are waiting; retry shortly"}
    assert stored == statuses.count(201)


async def test_a_write_failing_at_flush_gets_its_error_and_the_others_still_commit(
    database: Database,
) -> None:
    """On SQLite, one failed flush rolls back the batch it ran in: the writes that ran
    beside it run again, and none waits forever."""

    def tenant(name: str) -> Any:
        return lambda session: auth.get_or_create_tenant(session, name).id

    def orphan_note(session: Session) -> None:
        session.add(
            TicketNote(
                id=uuid.uuid4(),
                tenant_id=uuid.uuid4(),
                ticket_id=uuid.uuid4(),
                body="no such ticket",
                private=True,
                author="test",
                created_at=utcnow(),
            )
        )

    writes = [tenant("before"), orphan_note, tenant("after"), tenant("later")]
    results = await asyncio.wait_for(
        asyncio.gather(*(database.write(work) for work in writes), return_exceptions=True), 30
    )

    assert isinstance(results[1], IntegrityError)
    assert all(isinstance(result, uuid.UUID) for i, result in enumerate(results) if i != 1)
    names = await database.read(
        lambda session: set(session.scalars(text("SELECT name FROM tenants")).all())
    )
    assert {"before", "after", "later"} <= names

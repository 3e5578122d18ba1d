"""Idempotency-Key on POST /api/v1/tickets: replay, mismatch, expiry, and races."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from servicedesk.auth.service import require_tenant
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.idempotency import service as idempotency
from servicedesk.idempotency.models import IdempotencyRecord
from servicedesk.idempotency.repository import purge_expired
from servicedesk.idempotency.service import IdempotencyRequest, fingerprint
from tests.conftest import SEED_CREATE, KeyFactory, ticket_count

CONFLICT = {"detail": "Idempotency key reused with a different payload"}


async def create(
    client: httpx.AsyncClient, headers: dict[str, str], key: str, body: object = SEED_CREATE
) -> httpx.Response:
    return await client.post(
        "/api/v1/tickets", json=body, headers={**headers, "Idempotency-Key": key}
    )


async def test_same_key_same_body_replays_the_original_response(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    first = await create(client, headers, "idem_1")
    second = await create(client, headers, "idem_1")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert await ticket_count(client, headers) == 1


async def test_a_new_key_without_a_provider_is_stored_by_the_create_itself(
    app: FastAPI,
    client: httpx.AsyncClient,
    headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing leaves the installation before the write, so the key needs no claim of
    its own: one write makes the ticket and stores its answer (two before). A retry is
    still a replay."""
    database = app.state.database
    writes = 0
    write = database.write

    async def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal writes
        writes += "tenant_id" in kwargs  # not the retention purges running beside
        return await write(*args, **kwargs)

    monkeypatch.setattr(database, "write", counted)

    first = await create(client, headers, "one_write")
    assert (first.status_code, writes) == (201, 1)
    again = await create(client, headers, "one_write")
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert await ticket_count(client, headers) == 1


async def test_replay_ignores_key_order_and_whitespace(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    first = await create(client, headers, "idem_order")
    reordered = json.dumps(dict(reversed(list(SEED_CREATE.items()))), indent=4)

    second = await client.post(
        "/api/v1/tickets",
        content=reordered,
        headers={**headers, "Idempotency-Key": "idem_order", "Content-Type": "application/json"},
    )

    assert second.status_code == 201
    assert second.json()["id"] == first.json()["id"]


async def test_replay_returns_the_original_even_after_the_ticket_changed(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    first = await create(client, headers, "idem_changed")
    await client.patch(
        f"/api/v1/tickets/{first.json()['id']}", json={"status": "closed"}, headers=headers
    )

    replay = await create(client, headers, "idem_changed")

    assert replay.json() == first.json()


async def test_same_key_different_body_is_409_and_writes_nothing(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await create(client, headers, "idem_2")

    response = await create(client, headers, "idem_2", {**SEED_CREATE, "priority": "low"})

    assert response.status_code == 409
    assert response.json() == CONFLICT
    assert await ticket_count(client, headers) == 1


async def test_keys_are_scoped_to_the_tenant(
    client: httpx.AsyncClient, headers: dict[str, str], make_key: KeyFactory
) -> None:
    other = {"X-API-Key": await make_key(tenant="globex")}

    mine = await create(client, headers, "shared-key")
    theirs = await create(client, other, "shared-key")

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert "Idempotent-Replayed" not in theirs.headers


async def test_two_keys_of_one_tenant_share_idempotency_records(
    client: httpx.AsyncClient, headers: dict[str, str], make_key: KeyFactory
) -> None:
    second_key = {"X-API-Key": await make_key(tenant="acme")}

    first = await create(client, headers, "tenant-wide")
    replay = await create(client, second_key, "tenant-wide")

    assert replay.json()["id"] == first.json()["id"]


async def test_expired_key_creates_a_new_ticket(
    client: httpx.AsyncClient, headers: dict[str, str], database: Database
) -> None:
    first = await create(client, headers, "idem_old")
    await database.write(
        lambda session: session.execute(
            update(IdempotencyRecord).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    )

    second = await create(client, headers, "idem_old", {**SEED_CREATE, "priority": "low"})

    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]
    assert await ticket_count(client, headers) == 2


async def test_records_live_for_the_configured_ttl(
    client: httpx.AsyncClient, headers: dict[str, str], database: Database
) -> None:
    before = utcnow()
    await create(client, headers, "idem_ttl")

    tenant_id = await _tenant_id(database)
    record = await database.read(
        lambda session: session.get(IdempotencyRecord, (tenant_id, "idem_ttl"))
    )
    assert record is not None
    lifetime = record.expires_at - before
    assert timedelta(minutes=59) < lifetime <= timedelta(hours=1, seconds=5)


async def _tenant_id(database: Database) -> object:
    from servicedesk.auth.repository import get_tenant_by_name

    tenant = await database.read(lambda session: get_tenant_by_name(session, "acme"))
    assert tenant is not None
    return tenant.id


async def test_purge_removes_only_expired_records(
    client: httpx.AsyncClient, headers: dict[str, str], database: Database
) -> None:
    await create(client, headers, "keep")
    await create(client, headers, "drop", {**SEED_CREATE, "subject": "other"})
    await database.write(
        lambda session: session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.key == "drop")
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    )

    purged = await database.write(purge_expired)

    assert purged == 1
    assert (await create(client, headers, "keep")).headers.get("Idempotent-Replayed") == "true"


async def test_a_rejected_request_does_not_use_up_the_key(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    rejected = await create(client, headers, "idem_retry", {"subject": "no description"})
    accepted = await create(client, headers, "idem_retry")

    assert rejected.status_code == 422
    assert accepted.status_code == 201


@pytest.mark.parametrize("key", ["", "k" * 256])
async def test_key_outside_1_to_255_characters_is_422(
    client: httpx.AsyncClient, headers: dict[str, str], key: str
) -> None:
    response = await create(client, headers, key)

    assert response.status_code == 422
    assert await ticket_count(client, headers) == 0


async def test_key_of_255_characters_is_accepted(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    assert (await create(client, headers, "k" * 255)).status_code == 201


async def test_twenty_concurrent_identical_creates_make_one_ticket(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    responses = await asyncio.gather(*(create(client, headers, "race") for _ in range(20)))

    assert [r.status_code for r in responses] == [201] * 20
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 19
    assert await ticket_count(client, headers) == 1


async def test_concurrent_different_bodies_with_one_key_make_one_ticket(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    bodies = [{**SEED_CREATE, "subject": f"variant {i}"} for i in range(10)]

    responses = await asyncio.gather(*(create(client, headers, "contested", b) for b in bodies))

    assert sorted(r.status_code for r in responses) == [201] + [409] * 9
    assert all(r.json() == CONFLICT for r in responses if r.status_code == 409)
    assert await ticket_count(client, headers) == 1


async def test_a_key_held_by_a_dead_request_is_409_in_progress_then_taken_over(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A crashed process leaves its claim until the lease runs out: a retry meanwhile
    waits at most CLAIM_WAIT_SECONDS, then gets 409 with Retry-After; after the lease
    it takes the key over and makes the ticket once."""
    monkeypatch.setattr("servicedesk.tickets.creating.CLAIM_WAIT_SECONDS", 0.3)
    tenant_id = await database.read(lambda session: require_tenant(session, "acme").id)
    held = IdempotencyRequest("held", fingerprint("POST", "/api/v1/tickets", SEED_CREATE))
    # As a process that died between its claim and its answer leaves the key.
    claim = await idempotency.claim(
        database,
        tenant_id,
        held,
        resource_id=str(uuid.uuid4()),
        ttl=timedelta(hours=1),
        lease=timedelta(seconds=30),
        wait=0,
    )
    assert isinstance(claim, idempotency.Claim)

    waiting = await create(client, headers, "held")

    assert waiting.status_code == 409
    assert waiting.json() == {
        "detail": "A request with this Idempotency-Key is still in progress; retry shortly"
    }
    assert 25 <= int(waiting.headers["Retry-After"]) <= 30
    expired = utcnow() - timedelta(seconds=1)
    await database.write(
        lambda session: session.execute(update(IdempotencyRecord).values(locked_until=expired))
    )
    retried = await create(client, headers, "held")
    assert retried.status_code == 201
    assert retried.json()["id"] == claim.resource_id
    assert (await create(client, headers, "held")).json() == retried.json()
    assert await ticket_count(client, headers) == 1

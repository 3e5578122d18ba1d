"""insert_or_ignore: a row made once, whatever else the unit wrote before it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.auth.models import Tenant
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.db.upsert import insert_or_ignore
from servicedesk.idempotency.models import IdempotencyRecord


def _record(tenant_id: uuid.UUID, key: str, status_code: int) -> dict[str, object]:
    now = utcnow()
    return {
        "tenant_id": tenant_id,
        "key": key,
        "request_fingerprint": "f" * 64,
        "status_code": status_code,
        "response_body": {"status": status_code},
        "created_at": now,
        "expires_at": now + timedelta(days=1),
    }


async def test_a_row_is_made_once_and_keeps_its_first_values(database: Database) -> None:
    def make_twice(session: Session) -> tuple[bool, bool]:
        # The tenant is only added: its row must be written before the record that refers to it.
        tenant = Tenant(id=uuid.uuid4(), name="acme")
        session.add(tenant)
        first = insert_or_ignore(session, IdempotencyRecord, _record(tenant.id, "k", 201))
        second = insert_or_ignore(session, IdempotencyRecord, _record(tenant.id, "k", 500))
        return first, second

    assert await database.write(make_twice) == (True, False)

    def stored(session: Session) -> list[tuple[int, object]]:
        rows = session.execute(
            select(IdempotencyRecord.status_code, IdempotencyRecord.response_body)
        )
        return [tuple(row) for row in rows]

    assert await database.read(stored) == [(201, {"status": 201})]


async def test_another_transaction_s_row_is_left_alone(database: Database) -> None:
    def make(status_code: int) -> Callable[[Session], bool]:
        def unit(session: Session) -> bool:
            tenant = auth.get_or_create_tenant(session, "acme")
            return insert_or_ignore(
                session, IdempotencyRecord, _record(tenant.id, "k", status_code)
            )

        return unit

    assert await database.write(make(201)) is True
    assert await database.write(make(409)) is False

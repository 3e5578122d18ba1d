"""The Idempotency-Key records' queries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from servicedesk.db.base import utcnow
from servicedesk.idempotency.models import IdempotencyRecord


def find(
    session: Session, *, tenant_id: uuid.UUID, key: str, for_update: bool = False
) -> IdempotencyRecord | None:
    statement = (
        select(IdempotencyRecord)
        .where(IdempotencyRecord.tenant_id == tenant_id, IdempotencyRecord.key == key)
        .execution_options(populate_existing=True)
    )
    if for_update:
        statement = statement.with_for_update()
    return session.scalars(statement).first()


def store_answer(
    session: Session,
    tenant_id: uuid.UUID,
    key: str,
    token: str,
    status_code: int,
    body: Any,
) -> bool:
    """Put the answer on the record the claim `token` still holds; False if it does not."""
    result = session.execute(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.tenant_id == tenant_id,
            IdempotencyRecord.key == key,
            IdempotencyRecord.claim_token == token,
        )
        .values(status_code=status_code, response_body=body, claim_token=None, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def delete_unanswered(session: Session, *, tenant_id: uuid.UUID, key: str, token: str) -> None:
    """Remove the record the claim `token` holds, if it has no answer yet."""
    session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.tenant_id == tenant_id,
            IdempotencyRecord.key == key,
            IdempotencyRecord.claim_token == token,
            IdempotencyRecord.status_code == 0,
        )
    )


def purge_expired(session: Session, now: datetime | None = None) -> int:
    """Delete records past their lifetime; returns how many went."""
    result = session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= (now or utcnow()))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]

"""Running a create at most once per Idempotency-Key, decided by the database.

The record is inserted in the same transaction as the ticket, before the ticket is made.
A concurrent request with the same key then either waits on that row (PostgreSQL blocks
the second insert on the primary key until the first commits; SQLite's write lock queues
the whole transaction) and replays the committed response, or, if the first rolled back,
goes ahead itself. Nothing is held in process memory, so this holds across workers.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.db.base import utcnow
from servicedesk.db.session import Database
from servicedesk.db.upsert import insert_or_ignore
from servicedesk.errors import IdempotencyKeyInProgress, IdempotencyKeyReused
from servicedesk.idempotency.models import IdempotencyRecord


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    body: Any
    replayed: bool = False


def fingerprint(method: str, path: str, payload: Any) -> str:
    """A digest of what the request asks for; key order and whitespace do not matter."""
    canonical = json.dumps(
        [method, path, payload], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def run_once(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    key: str,
    request_fingerprint: str,
    ttl: timedelta,
    operation: Callable[[], Awaitable[StoredResponse]],
) -> StoredResponse:
    """Run `operation` unless `key` already holds a live response; then replay that."""
    now = utcnow()
    claim = {
        "tenant_id": tenant_id,
        "key": key,
        "request_fingerprint": request_fingerprint,
        "status_code": 0,
        "response_body": None,
        "created_at": now,
        "expires_at": now + ttl,
    }
    for _ in range(2):
        # A concurrent twin's uncommitted claim makes this wait for its end (PostgreSQL).
        if await insert_or_ignore(session, IdempotencyRecord, claim):
            break
        holder = await _get(session, tenant_id, key)
        if holder is not None and holder.expires_at > now:
            return _replay(holder, request_fingerprint)
        # Expired (or purged a moment ago): free the key and claim it again.
        await session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.tenant_id == tenant_id,
                IdempotencyRecord.key == key,
                IdempotencyRecord.expires_at <= now,
            )
        )
    else:
        raise IdempotencyKeyInProgress()

    response = await operation()
    await session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.tenant_id == tenant_id, IdempotencyRecord.key == key)
        .values(status_code=response.status_code, response_body=response.body)
    )
    return response


async def is_live(database: Database, tenant_id: uuid.UUID, key: str) -> bool:
    """Whether `key` holds a live record now (read outside the request's transaction)."""
    async with database.lookup_sessions() as session:
        record = await _get(session, tenant_id, key)
    return record is not None and record.expires_at > utcnow()


async def purge_expired(session: AsyncSession, now: datetime | None = None) -> int:
    """Delete records past their lifetime; returns how many went."""
    result = await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= (now or utcnow()))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def _get(session: AsyncSession, tenant_id: uuid.UUID, key: str) -> IdempotencyRecord | None:
    result = await session.execute(
        select(IdempotencyRecord)
        .where(IdempotencyRecord.tenant_id == tenant_id, IdempotencyRecord.key == key)
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


def _replay(record: IdempotencyRecord, request_fingerprint: str) -> StoredResponse:
    if record.status_code == 0:
        raise IdempotencyKeyInProgress()  # a holder's claim, seen before its response
    if record.request_fingerprint != request_fingerprint:
        raise IdempotencyKeyReused()
    return StoredResponse(record.status_code, record.response_body, replayed=True)

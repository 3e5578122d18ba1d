"""Enqueue, claim and finish outbox jobs; the retry schedule.

A job is enqueued in the same transaction as the change that needs it, so it exists
exactly when the change does. Workers claim due jobs under a lease: a worker that dies
mid-job loses the lease and another one runs the job again (at least once). Claiming
takes only the oldest pending job of each ordering key, so jobs of one key run in order.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from servicedesk.db.base import utcnow
from servicedesk.db.session import ENQUEUED_FLAG
from servicedesk.jobs.models import FAILED, PENDING, OutboxJob

ERROR_MAX_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Done:
    """The job succeeded; it is deleted."""


@dataclass(frozen=True, slots=True)
class Retry:
    """The job failed for now; it runs again after `delay` seconds."""

    delay: float
    error: str


@dataclass(frozen=True, slots=True)
class Fail:
    """The job failed for good; it stays as `failed` with the error."""

    error: str


Outcome = Done | Retry | Fail


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: int
    tenant_id: uuid.UUID
    kind: str
    ordering_key: str
    payload: dict[str, Any]
    attempt: int
    created_at: datetime


def enqueue(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    kind: str,
    ordering_key: str,
    payload: dict[str, Any],
    run_after: datetime | None = None,
) -> OutboxJob:
    """Add a job to the session's transaction; it commits (or not) with the caller's work."""
    now = utcnow()
    job = OutboxJob(
        tenant_id=tenant_id,
        kind=kind,
        ordering_key=ordering_key,
        payload=payload,
        state=PENDING,
        attempts=0,
        run_after=run_after or now,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    # Read by the session dependency after commit, to wake this process's worker at once.
    session.info[ENQUEUED_FLAG] = True
    return job


async def claim(
    session: AsyncSession, *, worker_id: str, lease_seconds: float, limit: int
) -> list[ClaimedJob]:
    """Lease up to `limit` due jobs, at most one per ordering key, longest-due first."""
    now = utcnow()
    earlier = aliased(OutboxJob)
    blocked_by_earlier = exists().where(
        earlier.ordering_key == OutboxJob.ordering_key,
        earlier.state == PENDING,
        earlier.id < OutboxJob.id,
    )
    due = (
        select(OutboxJob.id)
        .where(
            OutboxJob.state == PENDING,
            OutboxJob.run_after <= now,
            or_(OutboxJob.locked_until.is_(None), OutboxJob.locked_until < now),
            ~blocked_by_earlier,
        )
        # Longest-waiting first; order within a key comes from `blocked_by_earlier`.
        .order_by(OutboxJob.run_after, OutboxJob.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Two workers never lease the same row; each skips what the other holds.
        due = due.with_for_update(skip_locked=True)
    statement = (
        update(OutboxJob)
        .where(OutboxJob.id.in_(due.scalar_subquery()))
        .values(
            locked_by=worker_id,
            locked_until=now + timedelta(seconds=lease_seconds),
            attempts=OutboxJob.attempts + 1,
            updated_at=now,
        )
        .returning(
            OutboxJob.id,
            OutboxJob.tenant_id,
            OutboxJob.kind,
            OutboxJob.ordering_key,
            OutboxJob.payload,
            OutboxJob.attempts,
            OutboxJob.created_at,
        )
        .execution_options(synchronize_session=False)
    )
    rows = (await session.execute(statement)).all()
    jobs = [ClaimedJob(*row) for row in rows]
    return sorted(jobs, key=lambda job: job.id)


async def extend_lease(
    session: AsyncSession, job_id: int, worker_id: str, lease_seconds: float
) -> bool:
    """Push a running job's lease forward; False if it is no longer this worker's."""
    result = await session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == job_id, OutboxJob.locked_by == worker_id)
        .values(locked_until=utcnow() + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def still_owned(session: AsyncSession, job_id: int, worker_id: str) -> bool:
    """Lock the job for finishing; False if its lease went to another worker meanwhile."""
    statement = (
        select(OutboxJob.id)
        .where(OutboxJob.id == job_id, OutboxJob.locked_by == worker_id)
        .with_for_update()
    )
    return (await session.execute(statement)).first() is not None


async def finish(session: AsyncSession, job_id: int, outcome: Outcome) -> None:
    """Apply a job's outcome: delete it, schedule its retry or mark it failed."""
    now = utcnow()
    if isinstance(outcome, Done):
        await session.execute(delete(OutboxJob).where(OutboxJob.id == job_id))
        return
    values: dict[str, Any] = {
        "locked_by": None,
        "locked_until": None,
        "last_error": outcome.error[:ERROR_MAX_CHARS],
        "updated_at": now,
    }
    if isinstance(outcome, Retry):
        values["run_after"] = now + timedelta(seconds=outcome.delay)
    else:
        values["state"] = FAILED
    await session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == job_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def backoff_delay(
    attempt: int, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Exponential backoff with jitter: about base·2^(attempt-1), capped, between ½ and 1×.

    The jitter spreads the retries of many jobs that failed together (an outage) so they
    do not all return at the same instant.
    """
    ceiling = min(cap, base * 2.0 ** min(attempt - 1, 32))
    jitter: float = (rng or random).uniform(0, ceiling / 2)
    return ceiling / 2 + jitter

"""Enqueue, claim and finish outbox jobs: every statement on `outbox_jobs`.

A job is enqueued in the same transaction as the change that needs it, so it exists
exactly when the change does. Workers claim due jobs under a lease: a worker that dies
mid-job loses the lease and another one runs the job again (at least once). Claiming
takes only the oldest pending job of each ordering key, so jobs of one key run in order.
Every function here runs inside a unit of work (`servicedesk.db.database`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from servicedesk.db.base import table_of, utcnow
from servicedesk.db.database import ENQUEUED_FLAG
from servicedesk.db.rows import PendingRows
from servicedesk.jobs.models import JobState, OutboxJob
from servicedesk.jobs.service import ClaimedJob, Done, JobSpec, Outcome, Retry

ERROR_MAX_CHARS = 2000
OUTBOX = table_of(OutboxJob)
_INSERT = insert(OUTBOX)


def enqueue(session: Session, tenant_id: uuid.UUID, *specs: JobSpec) -> None:
    """Add jobs to the session's transaction: they commit (or not) with the caller's work,
    in one statement."""
    if not specs:
        return
    session.connection().execute(_INSERT, job_rows(tenant_id, specs))
    # Read after the commit, to wake this process's worker at once.
    session.info[ENQUEUED_FLAG] = True


def enqueue_with(rows: PendingRows, tenant_id: uuid.UUID, *specs: JobSpec) -> None:
    """Add jobs to a change's pending rows (`servicedesk.db.rows`)."""
    rows.insert(OUTBOX, job_rows(tenant_id, specs))


def cancel_pending(session: Session, tenant_id: uuid.UUID, ordering_key: str) -> None:
    """Remove the pending jobs of one ordering key that no worker is running (new ones
    supersede them; a running one finishes as it would have)."""
    session.execute(
        delete(OutboxJob)
        .where(
            OutboxJob.ordering_key == ordering_key,
            OutboxJob.tenant_id == tenant_id,
            OutboxJob.state == JobState.PENDING,
            OutboxJob.locked_by.is_(None),
        )
        .execution_options(synchronize_session=False)
    )


def job_rows(tenant_id: uuid.UUID, specs: Sequence[JobSpec]) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        {
            "tenant_id": tenant_id,
            "kind": spec.kind,
            "ordering_key": spec.ordering_key,
            "payload": spec.payload,
            "state": JobState.PENDING,
            "attempts": 0,
            "run_after": spec.run_after or now,
            "created_at": now,
            "updated_at": now,
        }
        for spec in specs
    ]


def claim(
    session: Session, *, worker_id: str, lease_seconds: float, limit: int
) -> list[ClaimedJob]:
    """Lease up to `limit` due jobs, at most one per ordering key, longest-due first."""
    now = utcnow()
    earlier = aliased(OutboxJob)
    blocked_by_earlier = exists().where(
        earlier.ordering_key == OutboxJob.ordering_key,
        earlier.state == JobState.PENDING,
        earlier.id < OutboxJob.id,
    )
    due = (
        select(OutboxJob.id)
        .where(
            OutboxJob.state == JobState.PENDING,
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
    jobs = [ClaimedJob(*row) for row in session.execute(statement).all()]
    return sorted(jobs, key=lambda job: job.id)


@dataclass(frozen=True, slots=True)
class Backlog:
    """The outbox as an operator watches it: jobs by kind and state, and since when
    the longest-waiting due job has been waiting."""

    jobs: list[tuple[str, str, int]]
    oldest_due: datetime | None


def backlog(session: Session) -> Backlog:
    """Cheap at any size: only pending and failed jobs are rows (finished ones are
    deleted, failed ones purged by retention), and the oldest due one comes from the
    partial `ix_outbox_jobs_due` index."""
    counts = session.execute(
        select(OutboxJob.kind, OutboxJob.state, func.count()).group_by(
            OutboxJob.kind, OutboxJob.state
        )
    ).all()
    oldest_due = session.scalar(
        select(func.min(OutboxJob.run_after)).where(
            OutboxJob.state == JobState.PENDING, OutboxJob.run_after <= utcnow()
        )
    )
    return Backlog([(kind, state, count) for kind, state, count in counts], oldest_due)


def extend_lease(session: Session, job_id: int, worker_id: str, lease_seconds: float) -> bool:
    """Push a running job's lease forward; False if it is no longer this worker's."""
    result = session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == job_id, OutboxJob.locked_by == worker_id)
        .values(locked_until=utcnow() + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def release(session: Session, *, job_ids: Sequence[int], worker_id: str) -> None:
    """Hand back jobs a stopping worker did not finish: due again at once, and the
    interrupted run not counted as an attempt."""
    session.execute(
        update(OutboxJob)
        .where(
            OutboxJob.id.in_(job_ids),
            OutboxJob.locked_by == worker_id,
            OutboxJob.state == JobState.PENDING,
        )
        .values(locked_by=None, locked_until=None, attempts=OutboxJob.attempts - 1)
        .execution_options(synchronize_session=False)
    )


def still_owned(session: Session, job_id: int, worker_id: str) -> bool:
    """Lock the job for finishing; False if its lease went to another worker meanwhile."""
    statement = (
        select(OutboxJob.id)
        .where(OutboxJob.id == job_id, OutboxJob.locked_by == worker_id)
        .with_for_update()
    )
    return session.execute(statement).first() is not None


def finish(session: Session, job_id: int, outcome: Outcome) -> None:
    """Apply a job's outcome: delete it, schedule its retry or mark it failed."""
    now = utcnow()
    if isinstance(outcome, Done):
        session.execute(delete(OutboxJob).where(OutboxJob.id == job_id))
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
        values["state"] = JobState.FAILED
    session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == job_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def later_job_queued(session: Session, job: ClaimedJob) -> bool:
    """Whether a pending job of the same kind and ordering key is queued behind `job`."""
    later = exists().where(
        OutboxJob.ordering_key == job.ordering_key,
        OutboxJob.kind == job.kind,
        OutboxJob.state == JobState.PENDING,
        OutboxJob.id > job.id,
    )
    return bool(session.execute(select(later)).scalar())


def postpone_pending(
    session: Session,
    tenant_id: uuid.UUID,
    kinds: tuple[str, ...],
    until: datetime,
    *,
    ordering_key: str | None = None,
) -> None:
    """Move the tenant's pending jobs of `kinds` (of one ordering key, if given) that are
    due before `until` to `until`. Jobs in flight are left alone: their own finish (which
    holds their row) reschedules them, and waiting on it here could deadlock."""
    conditions = [
        OutboxJob.tenant_id == tenant_id,
        OutboxJob.kind.in_(kinds),
        OutboxJob.state == JobState.PENDING,
        OutboxJob.run_after < until,
        OutboxJob.locked_by.is_(None),
    ]
    if ordering_key is not None:
        conditions.append(OutboxJob.ordering_key == ordering_key)
    session.execute(
        update(OutboxJob)
        .where(*conditions)
        .values(run_after=until)
        .execution_options(synchronize_session=False)
    )

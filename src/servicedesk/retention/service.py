"""Purging what has outlived its retention, in batches, while the worker runs.

Each table is purged a batch per transaction (`BATCH` rows), so a purge never holds the
database's write lock for long, and rounds repeat every `retention_interval_seconds`
in every worker; two workers purging at once only delete fewer rows each. A limit of 0
keeps those rows for ever.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from servicedesk.config import Settings
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.logs import get_logger
from servicedesk.retention import repository

log = get_logger(__name__)

BATCH = 1000
MAX_BATCHES_PER_ROUND = 1000  # a backlog of a million rows clears over several rounds

Purge = Callable[[Session, int], int]


def purges(settings: Settings, now: datetime) -> dict[str, Purge]:
    """What one round purges, by name (those whose limit is 0 are left out)."""
    by_age = {
        "webhook_deliveries": (
            repository.finished_deliveries,
            settings.retention_webhook_deliveries_days,
        ),
        "failed_jobs": (repository.failed_jobs, settings.retention_failed_jobs_days),
        "triage_feedback": (repository.old_feedback, settings.retention_triage_feedback_days),
    }
    steps: dict[str, Purge] = {
        name: _older_than(query, now - timedelta(days=days))
        for name, (query, days) in by_age.items()
        if days
    }
    if settings.retention_triage_models_kept:
        kept = settings.retention_triage_models_kept
        steps["triage_models"] = lambda session, batch: repository.superseded_models(
            session, kept, batch
        )
    return steps


def _older_than(query: Callable[[Session, datetime, int], int], before: datetime) -> Purge:
    return lambda session, batch: query(session, before, batch)


async def purge_once(database: Database, settings: Settings) -> dict[str, int]:
    """One round over every table; how many rows each lost."""
    purged: dict[str, int] = {}
    for name, purge in purges(settings, utcnow()).items():
        total = 0
        for _ in range(MAX_BATCHES_PER_ROUND):
            deleted = await database.write(_batch_of(purge))
            total += deleted
            if deleted < BATCH:
                break
        purged[name] = total
    return purged


def _batch_of(purge: Purge) -> Callable[[Session], int]:
    return lambda session: purge(session, BATCH)


async def keep_purging(database: Database, settings: Settings) -> None:
    while True:
        try:
            purged = await purge_once(database, settings)
            if any(purged.values()):
                log.info("retention_purged", **purged)
        except Exception:
            log.exception("retention_purge_failed")
        await asyncio.sleep(settings.retention_interval_seconds)


@contextlib.asynccontextmanager
async def purging(database: Database, settings: Settings) -> AsyncIterator[None]:
    """Purge in the background while the block runs."""
    task = asyncio.create_task(keep_purging(database, settings))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

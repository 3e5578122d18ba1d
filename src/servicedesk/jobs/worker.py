"""The worker: claims due outbox jobs, runs their handlers, records what happened.

It runs embedded in `servicedesk serve` (one per server process) and as
`servicedesk worker`; any number may run against one database. A handler does its
slow, outside work (an HTTP call) in `perform`, with no transaction open, then
`record` writes its outcome in the same transaction that finishes the job.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.config import Settings
from servicedesk.db.session import Database
from servicedesk.jobs import service as jobs
from servicedesk.jobs.service import ClaimedJob, Done, Fail, Outcome, Retry
from servicedesk.logs import get_logger

log = get_logger(__name__)


class JobHandler(Protocol):
    async def perform(self, job: ClaimedJob) -> Any:
        """Do the job's outside work; must not raise for expected failures."""

    async def record(self, session: AsyncSession, job: ClaimedJob, result: Any) -> Outcome:
        """Write what `perform` returned and decide the job's fate, in one transaction."""


class Worker:
    def __init__(
        self, database: Database, settings: Settings, handlers: Mapping[str, JobHandler]
    ) -> None:
        self.database = database
        self.settings = settings
        self.handlers = dict(handlers)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Drain until `stop` is set (or forever).

        Up to `worker_batch_size` jobs run at once, and a free slot is refilled as soon
        as a job ends, so one slow endpoint holds one slot, not the whole worker. The
        loop wakes on a new job in this process, on a job's end (it may unblock the next
        job of its key) and otherwise every `worker_poll_seconds`.
        """
        stop = stop or asyncio.Event()
        running: set[asyncio.Task[None]] = set()
        log.info("worker_started", worker_id=self.worker_id)
        try:
            while not stop.is_set():
                free = self.settings.worker_batch_size - len(running)
                claimed = await self._claim_safely(free) if free > 0 else []
                for job in claimed:
                    task = asyncio.create_task(self._run_job(job))
                    running.add(task)
                    task.add_done_callback(running.discard)
                if claimed and len(claimed) == free:
                    continue  # more may be due
                self.database.jobs_enqueued.clear()
                await _wait_for_any(
                    [self.database.jobs_enqueued, stop], running, self.settings.worker_poll_seconds
                )
        finally:
            for task in running:
                task.cancel()  # their leases run out; other workers take the jobs over
            await asyncio.gather(*running, return_exceptions=True)

    async def _claim_safely(self, limit: int) -> list[ClaimedJob]:
        try:
            return await self._claim(limit)
        except Exception:
            log.exception("worker_claim_failed")
            return []

    async def _claim(self, limit: int) -> list[ClaimedJob]:
        async with self.database.write_sessions() as session, session.begin():
            return await jobs.claim(
                session,
                worker_id=self.worker_id,
                lease_seconds=self.settings.worker_lease_seconds,
                limit=limit,
            )

    async def drain_once(self) -> int:
        """Claim one batch and run it to the end; returns how many jobs were claimed."""
        claimed = await self._claim(self.settings.worker_batch_size)
        # At most one job per ordering key is claimed, so these may run side by side.
        await asyncio.gather(*(self._run_job(job) for job in claimed))
        return len(claimed)

    async def _run_job(self, job: ClaimedJob) -> None:
        handler = self.handlers.get(job.kind)
        result: Any
        if handler is None:
            result = Fail(f"no handler for job kind {job.kind!r}")
        else:
            keeper = asyncio.create_task(self._keep_lease(job))
            try:
                result = await handler.perform(job)
            except Exception as error:
                log.exception("job_failed", job_id=job.id, kind=job.kind)
                result = Retry(self._default_delay(job), f"{type(error).__name__}: {error}")
            finally:
                keeper.cancel()
        try:
            await self._finish(job, handler, result)
        except Exception:
            # The lease runs out and the job is claimed again: nothing is lost.
            log.exception("job_finish_failed", job_id=job.id, kind=job.kind)

    async def _keep_lease(self, job: ClaimedJob) -> None:
        """While the job runs, renew its lease every third of it, so a slow call is not
        taken for a dead worker's and run a second time by another."""
        lease = self.settings.worker_lease_seconds
        while True:
            await asyncio.sleep(lease / 3)
            try:
                async with self.database.write_sessions() as session, session.begin():
                    if not await jobs.extend_lease(session, job.id, self.worker_id, lease):
                        return
            except Exception:
                log.exception("job_lease_renewal_failed", job_id=job.id, kind=job.kind)

    async def _finish(self, job: ClaimedJob, handler: JobHandler | None, result: Any) -> None:
        async with self.database.write_sessions() as session, session.begin():
            if not await jobs.still_owned(session, job.id, self.worker_id):
                log.warning("job_lease_lost", job_id=job.id, kind=job.kind)
                return
            if handler is None or isinstance(result, Done | Retry | Fail):
                outcome = result
            else:
                outcome = await handler.record(session, job, result)
            await jobs.finish(session, job.id, outcome)
        if isinstance(outcome, Retry | Fail):
            log.info(
                "job_not_done",
                job_id=job.id,
                kind=job.kind,
                attempt=job.attempt,
                outcome=type(outcome).__name__.lower(),
                error=outcome.error,
            )

    def _default_delay(self, job: ClaimedJob) -> float:
        return jobs.backoff_delay(
            job.attempt,
            base=self.settings.webhook_retry_base_seconds,
            cap=self.settings.webhook_retry_max_seconds,
        )


async def _wait_for_any(
    events: list[asyncio.Event], tasks: set[asyncio.Task[None]], seconds: float
) -> None:
    """Return when an event is set, a task ends or `seconds` pass."""
    waiters = [asyncio.create_task(event.wait()) for event in events]
    try:
        await asyncio.wait([*waiters, *tasks], timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()

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
import time
from collections.abc import Mapping
from functools import partial
from typing import Any, Protocol

from sqlalchemy.orm import Session

from servicedesk import instruments
from servicedesk.config import Settings
from servicedesk.db.database import Database
from servicedesk.jobs import repository as jobs
from servicedesk.jobs.service import Backoff, ClaimedJob, Done, Fail, Outcome, Retry
from servicedesk.logs import get_logger

log = get_logger(__name__)


class JobHandler(Protocol):
    """What runs the jobs of one kind."""

    # How long to wait before the next try when `perform` raised.
    backoff: Backoff
    # Optional `waits = True`: its jobs wait rather than work (IMAP IDLE), and a
    # stopping worker stops them at once instead of granting them the grace.

    async def perform(self, job: ClaimedJob) -> Any:
        """Do the job's outside work; must not raise for expected failures."""

    def record(self, session: Session, job: ClaimedJob, result: Any) -> Outcome:
        """Write what `perform` returned and decide the job's fate, in the transaction
        that finishes the job."""


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
        running: dict[asyncio.Task[None], ClaimedJob] = {}
        log.info("worker_started", worker_id=self.worker_id)
        try:
            while not stop.is_set():
                free = self.settings.worker_batch_size - len(running)
                claimed = await self._claim_safely(free) if free > 0 else []
                for job in claimed:
                    task = asyncio.create_task(self._run_job(job))
                    running[task] = job
                    task.add_done_callback(lambda done: running.pop(done, None))
                if claimed and len(claimed) == free:
                    continue  # more may be due
                self.database.jobs_enqueued.clear()
                await _wait_for_any(
                    [self.database.jobs_enqueued, stop],
                    set(running),
                    self.settings.worker_poll_seconds,
                )
        finally:
            await self._stop_running(dict(running))
            log.info("worker_stopped", worker_id=self.worker_id)

    async def _stop_running(self, running: dict[asyncio.Task[None], ClaimedJob]) -> None:
        """Let running jobs finish within the grace, then stop the rest and hand their
        jobs back (lease released, the attempt not counted) so that another worker takes
        them at once instead of after the lease."""
        working = {task for task, job in running.items() if not self._waits(job)}
        if working:
            await asyncio.wait(working, timeout=self.settings.worker_stop_grace_seconds)
        unfinished = {task: job for task, job in running.items() if not task.done()}
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)
        if not unfinished:
            return
        ids = [job.id for job in unfinished.values()]
        try:
            await self.database.write(partial(jobs.release, job_ids=ids, worker_id=self.worker_id))
        except Exception:
            log.exception("job_release_failed", job_ids=ids)  # their leases run out instead
        else:
            log.info("jobs_released", worker_id=self.worker_id, job_ids=ids)

    def _waits(self, job: ClaimedJob) -> bool:
        handler = self.handlers.get(job.kind)
        return bool(getattr(handler, "waits", False))

    async def _claim_safely(self, limit: int) -> list[ClaimedJob]:
        try:
            return await self._claim(limit)
        except Exception:
            log.exception("worker_claim_failed")
            return []

    async def _claim(self, limit: int) -> list[ClaimedJob]:
        return await self.database.write(
            partial(
                jobs.claim,
                worker_id=self.worker_id,
                lease_seconds=self.settings.worker_lease_seconds,
                limit=limit,
            )
        )

    async def drain_once(self) -> int:
        """Claim one batch and run it to the end; returns how many jobs were claimed."""
        claimed = await self._claim(self.settings.worker_batch_size)
        # At most one job per ordering key is claimed, so these may run side by side.
        await asyncio.gather(*(self._run_job(job) for job in claimed))
        return len(claimed)

    async def drain(self, *, max_rounds: int = 100) -> int:
        """Run jobs until none is due (jobs a job queues included); how many ran."""
        ran = 0
        for _ in range(max_rounds):
            claimed = await self.drain_once()
            if not claimed:
                return ran
            ran += claimed
        return ran

    async def _run_job(self, job: ClaimedJob) -> None:
        started = time.perf_counter()
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
                result = Retry(
                    handler.backoff.delay(job.attempt), f"{type(error).__name__}: {error}"
                )
            finally:
                keeper.cancel()
        try:
            await self._finish(job, handler, result, started)
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
                renewed = await self.database.write(
                    partial(
                        jobs.extend_lease,
                        job_id=job.id,
                        worker_id=self.worker_id,
                        lease_seconds=lease,
                    )
                )
            except Exception:
                log.exception("job_lease_renewal_failed", job_id=job.id, kind=job.kind)
                continue
            if not renewed:
                return

    async def _finish(
        self, job: ClaimedJob, handler: JobHandler | None, result: Any, started: float
    ) -> None:
        def finish(session: Session) -> Outcome | None:
            if not jobs.still_owned(session, job.id, self.worker_id):
                return None
            outcome: Outcome
            if handler is None or isinstance(result, Done | Retry | Fail):
                outcome = result
            else:
                outcome = handler.record(session, job, result)
            jobs.finish(session, job.id, outcome)
            return outcome

        outcome = await self.database.write(finish, tenant_id=job.tenant_id)
        if outcome is not None:
            seconds = time.perf_counter() - started
            instruments.observe_job(job.kind, _OUTCOME_NAMES[type(outcome)], seconds)
        if outcome is None:
            log.warning("job_lease_lost", job_id=job.id, kind=job.kind)
        elif isinstance(outcome, Retry | Fail):
            log.info(
                "job_not_done",
                job_id=job.id,
                kind=job.kind,
                attempt=job.attempt,
                outcome=type(outcome).__name__.lower(),
                error=outcome.error,
            )


_OUTCOME_NAMES = {Done: "done", Retry: "retry", Fail: "failed"}


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

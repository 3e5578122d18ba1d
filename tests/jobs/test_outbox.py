"""The outbox: exclusive claims, order per key, leases, retries and failures."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.config import Settings
from servicedesk.db.database import Database
from servicedesk.jobs import repository as jobs
from servicedesk.jobs.models import OutboxJob
from servicedesk.jobs.service import (
    Backoff,
    ClaimedJob,
    Done,
    Fail,
    JobSpec,
    Outcome,
    Retry,
    backoff_delay,
)
from servicedesk.jobs.worker import Worker


class Recorder:
    """A handler that notes every run and answers from a script (default: Done)."""

    def __init__(
        self, script: dict[int, list[Any]] | None = None, backoff: Backoff = Backoff(5, 3600)
    ) -> None:
        self.runs: list[ClaimedJob] = []
        self.script = script or {}
        self.backoff = backoff

    async def perform(self, job: ClaimedJob) -> Any:
        self.runs.append(job)
        await asyncio.sleep(random.uniform(0, 0.003))
        answers = self.script.get(job.payload["n"], [])
        answer = answers.pop(0) if answers else Done()
        if isinstance(answer, Exception):
            raise answer
        return answer

    def record(self, session: Session, job: ClaimedJob, result: Any) -> Outcome:
        outcome: Outcome = result
        return outcome


async def _tenant(database: Database) -> uuid.UUID:
    return await database.write(lambda session: auth.get_or_create_tenant(session, "jobs").id)


async def _enqueue(database: Database, tenant_id: uuid.UUID, keys: list[str]) -> None:
    specs = [JobSpec("test", key, {"n": n}) for n, key in enumerate(keys)]
    await database.write(lambda session: jobs.enqueue(session, tenant_id, *specs))


async def _remaining(database: Database) -> list[OutboxJob]:
    return await database.read(
        lambda session: list(session.scalars(select(OutboxJob).order_by(OutboxJob.id)).all())
    )


def _claim(worker_id: str, lease: float) -> Any:
    return lambda session: jobs.claim(session, worker_id=worker_id, lease_seconds=lease, limit=10)


async def _drain(*workers: Worker, rounds: int = 500) -> None:
    async def loop(worker: Worker) -> None:
        idle = 0
        for _ in range(rounds):
            idle = idle + 1 if await worker.drain_once() == 0 else 0
            if idle > 5:
                return
            await asyncio.sleep(0)

    await asyncio.gather(*(loop(worker) for worker in workers))


def _fast(settings: Settings, **overrides: Any) -> Settings:
    return settings.model_copy(update={"worker_batch_size": 8, **overrides})


async def test_two_workers_run_each_job_once_and_each_key_in_order(
    database: Database, settings: Settings
) -> None:
    tenant_id = await _tenant(database)
    keys = [f"key-{n % 7}" for n in range(120)]
    await _enqueue(database, tenant_id, keys)
    recorder = Recorder()
    first = Worker(database, _fast(settings), {"test": recorder})
    second = Worker(database, _fast(settings), {"test": recorder})
    await _drain(first, second)

    numbers = [job.payload["n"] for job in recorder.runs]
    assert sorted(numbers) == list(range(120))  # every job, none twice
    by_key: dict[str, list[int]] = defaultdict(list)
    for job in recorder.runs:
        by_key[job.ordering_key].append(job.payload["n"])
    assert all(runs == sorted(runs) for runs in by_key.values())
    assert await _remaining(database) == []


async def test_a_job_whose_worker_died_is_claimed_again_after_its_lease(
    database: Database,
) -> None:
    tenant_id = await _tenant(database)
    await _enqueue(database, tenant_id, ["only"])
    (dead,) = await database.write(_claim("dead", 0.3))
    assert await database.write(_claim("alive", 30)) == []
    await asyncio.sleep(0.4)
    (again,) = await database.write(_claim("alive", 30))
    assert again.id == dead.id
    assert (dead.attempt, again.attempt) == (1, 2)
    assert not await database.write(lambda session: jobs.still_owned(session, dead.id, "dead"))
    assert await database.write(lambda session: jobs.still_owned(session, dead.id, "alive"))


async def test_a_later_job_of_a_key_waits_for_the_earlier_ones_retries(
    database: Database, settings: Settings
) -> None:
    tenant_id = await _tenant(database)
    await _enqueue(database, tenant_id, ["k", "k", "other"])
    # The retry after an exception follows the job kind's own backoff, not the webhooks'.
    recorder = Recorder({0: [Retry(0.2, "busy"), RuntimeError("boom")]}, Backoff(0.1, 0.1))
    webhooks_slow = _fast(settings, webhook_retry_base_seconds=3600, webhook_retry_max_seconds=3600)
    worker = Worker(database, webhooks_slow, {"test": recorder})
    deadline = time.monotonic() + 10
    while await _remaining(database) and time.monotonic() < deadline:
        await worker.drain_once()
        await asyncio.sleep(0.02)
    order = [job.payload["n"] for job in recorder.runs]
    assert order.index(2) < order.index(1)  # another key is not held up
    assert [n for n in order if n != 2] == [0, 0, 0, 1]  # key "k": 0 until it succeeds, then 1
    assert await _remaining(database) == []


async def test_failed_and_unknown_jobs_stay_failed_with_their_error(
    database: Database, settings: Settings
) -> None:
    tenant_id = await _tenant(database)
    await _enqueue(database, tenant_id, ["a", "a"])
    await database.write(lambda session: jobs.enqueue(session, tenant_id, JobSpec("mystery", "b")))
    recorder = Recorder({0: [Fail("rejected for good")]})
    worker = Worker(database, _fast(settings), {"test": recorder})
    await _drain(worker)
    remaining = await _remaining(database)
    assert [(job.state, job.last_error) for job in remaining] == [
        ("failed", "rejected for good"),
        ("failed", "no handler for job kind 'mystery'"),
    ]
    assert [job.payload["n"] for job in recorder.runs] == [0, 1]  # a failure does not block


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    for attempt in range(1, 30):
        ceiling = min(3600.0, 5 * 2 ** (attempt - 1))
        delay = backoff_delay(attempt, base=5, cap=3600, rng=rng)
        assert ceiling / 2 <= delay <= ceiling
    spread = {round(backoff_delay(3, base=5, cap=3600, rng=rng), 3) for _ in range(20)}
    assert len(spread) > 10


class Slow(Recorder):
    def __init__(self) -> None:
        super().__init__()
        self.started = asyncio.Event()

    async def perform(self, job: ClaimedJob) -> Any:
        self.runs.append(job)
        self.started.set()
        await asyncio.sleep(1.5)
        return Done()


async def test_a_job_slower_than_its_lease_keeps_it_and_runs_once(
    database: Database, settings: Settings
) -> None:
    tenant_id = await _tenant(database)
    await _enqueue(database, tenant_id, ["slow"])
    slow = Slow()
    short_lease = _fast(settings, worker_lease_seconds=0.4)
    first = Worker(database, short_lease, {"test": slow})
    second = Worker(database, short_lease, {"test": slow})

    async def second_keeps_trying() -> None:
        for _ in range(40):
            await second.drain_once()
            await asyncio.sleep(0.05)

    running = asyncio.create_task(first.drain_once())
    await slow.started.wait()  # the first worker holds the job before the second starts
    await asyncio.gather(running, second_keeps_trying())
    assert len(slow.runs) == 1  # the lease was renewed while the call ran
    assert await _remaining(database) == []


class Sleeper:
    """A handler whose jobs take `seconds`; `waits` marks IDLE-like jobs."""

    backoff = Backoff(5, 3600)

    def __init__(self, seconds: float, *, waits: bool = False) -> None:
        self.seconds = seconds
        self.waits = waits
        self.started = asyncio.Event()
        self.finished = False

    async def perform(self, job: ClaimedJob) -> Any:
        self.started.set()
        await asyncio.sleep(self.seconds)
        self.finished = True
        return Done()

    def record(self, session: Session, job: ClaimedJob, result: Any) -> Outcome:
        outcome: Outcome = result
        return outcome


async def _run_then_stop(worker: Worker, handler: Sleeper) -> float:
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    await asyncio.wait_for(handler.started.wait(), 10)
    stopped_at = time.monotonic()
    stop.set()
    await asyncio.wait_for(running, 30)
    return time.monotonic() - stopped_at


async def test_a_stopping_worker_lets_a_running_job_finish_within_the_grace(
    database: Database, settings: Settings
) -> None:
    tenant_id = await _tenant(database)
    await _enqueue(database, tenant_id, ["a"])
    handler = Sleeper(0.5)
    worker = Worker(database, _fast(settings, worker_stop_grace_seconds=10), {"test": handler})

    await _run_then_stop(worker, handler)

    assert handler.finished
    assert await _remaining(database) == []  # done jobs leave the outbox


async def test_a_job_still_running_after_the_grace_is_handed_back_at_once(
    database: Database, settings: Settings
) -> None:
    tenant_id = await _tenant(database)
    await _enqueue(database, tenant_id, ["a"])
    handler = Sleeper(3600)
    worker = Worker(database, _fast(settings, worker_stop_grace_seconds=0.5), {"test": handler})

    took = await _run_then_stop(worker, handler)

    assert took < 10
    [job] = await _remaining(database)
    assert (job.state, job.locked_by, job.locked_until, job.attempts) == (
        jobs.JobState.PENDING,
        None,
        None,
        0,
    )
    # Another worker takes it now, not after the 60 s lease.
    claimed = await database.write(_claim("next-worker", 60))
    assert [c.id for c in claimed] == [job.id]


async def test_a_waiting_job_is_stopped_at_once_without_the_grace(
    database: Database, settings: Settings
) -> None:
    tenant_id = await _tenant(database)
    await _enqueue(database, tenant_id, ["a"])
    handler = Sleeper(3600, waits=True)
    worker = Worker(database, _fast(settings, worker_stop_grace_seconds=60), {"test": handler})

    took = await _run_then_stop(worker, handler)

    assert took < 10
    [job] = await _remaining(database)
    assert (job.state, job.locked_by) == (jobs.JobState.PENDING, None)

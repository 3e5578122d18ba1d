"""The embedded SQLite's writes: one connection in a thread of its own, committing a
batch of requests' transactions together.

SQLite has one writer at a time. Letting every request open its own write transaction
makes them queue inside SQLite's lock, which waits by sleeping (1, 2, 5, 10 … 100 ms)
and hands the lock to whoever wakes first: at 32 concurrent writers p99 reached 1.5 s
and long waits ended in "database is locked". Here each process has one writer: units of
work queue per tenant and are served round-robin (one tenant's burst does not starve
another), a batch of them runs in one transaction, each in a savepoint of its own (a
unit that fails rolls back alone), and one commit, fsynced (`synchronous=FULL`), makes
the whole batch durable before any of its callers is answered. Writers of several
processes (`serve --workers N`, `servicedesk worker`, the CLI) take turns through an
advisory lock on a file beside the database, which wakes the next one the moment it
is free instead of at its next sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Generic, TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from servicedesk.db.fair import FairQueue, QueueTimeout
from servicedesk.logs import get_logger

log = get_logger(__name__)

T = TypeVar("T")

QUEUED = "queued"
RUNNING = "running"
CANCELLED = "cancelled"


@dataclass(eq=False)
class _Unit(Generic[T]):
    work: Callable[[Session], T]
    key: Hashable
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[tuple[T, dict[str, Any]]]
    queued_at: float = field(default_factory=time.monotonic)
    state: str = QUEUED

    def settle(self, result: T | None, info: dict[str, Any], error: BaseException | None) -> None:
        """Hand the outcome to the caller's event loop (called from the writer thread)."""

        def deliver() -> None:
            if self.future.done():
                return
            if error is not None:
                self.future.set_exception(error)
            else:
                self.future.set_result((result, info))  # type: ignore[arg-type]

        with contextlib.suppress(RuntimeError):  # the caller's loop has closed
            self.loop.call_soon_threadsafe(deliver)


class SqliteWriter:
    """Runs units of work (`work(session)`) in batches on one connection."""

    def __init__(
        self,
        engine: Engine,
        *,
        max_batch: int,
        queue_timeout: float,
        lock_path: Path | None,
    ) -> None:
        self._engine = engine
        self._max_batch = max_batch
        self._queue_timeout = queue_timeout
        self._lock_path = lock_path
        self._mutex = threading.Lock()
        self._wake = threading.Condition(self._mutex)
        self._queue: FairQueue[_Unit[Any]] = FairQueue()
        self._closing = False
        self._thread = threading.Thread(target=self._serve, name="sqlite-writer", daemon=True)
        self._thread.start()

    async def run(self, work: Callable[[Session], T], key: Hashable) -> tuple[T, dict[str, Any]]:
        """Queue `work` and wait for its batch to commit; returns its result and the
        `info` its session gathered. Cancelled while queued, it never runs; cancelled
        while its batch runs, it waits for the batch to end (it may have committed)."""
        loop = asyncio.get_running_loop()
        unit: _Unit[T] = _Unit(work, key, loop, loop.create_future())
        with self._wake:
            if self._closing:
                raise RuntimeError("the database is closed")
            self._queue.push(key, unit)
            self._wake.notify()
        try:
            return await asyncio.shield(unit.future)
        except asyncio.CancelledError:
            with self._mutex:
                if unit.state == QUEUED:
                    unit.state = CANCELLED
                    self._queue.remove(key, unit)
                    raise
            with contextlib.suppress(Exception):
                await _uncancellable(unit.future)
            raise

    def close(self) -> None:
        """Finish what is queued, then stop the thread."""
        with self._wake:
            self._closing = True
            self._wake.notify()
        self._thread.join()

    def _serve(self) -> None:
        with self._engine.connect() as connection, self._lock_file() as lock:
            while (batch := self._next_batch()) is not None:
                if batch:
                    self._run_batch(connection, lock, batch)

    def _next_batch(self) -> list[_Unit[Any]] | None:
        """Up to `max_batch` units in turn order, the overdue ones answered 503-style
        (never started, so nothing of theirs is written); None once closed and drained."""
        with self._wake:
            while not len(self._queue) and not self._closing:
                self._wake.wait()
            if not len(self._queue):
                return None
            now = time.monotonic()
            batch: list[_Unit[Any]] = []
            while len(self._queue) and len(batch) < self._max_batch:
                unit = self._queue.pop()
                waited = now - unit.queued_at
                if waited > self._queue_timeout:
                    unit.state = CANCELLED
                    unit.settle(None, {}, QueueTimeout(f"waited {waited:.1f} s to write"))
                    continue
                unit.state = RUNNING
                batch.append(unit)
            return batch

    def _run_batch(
        self, connection: Connection, lock: BinaryIO | None, batch: list[_Unit[Any]]
    ) -> None:
        outcomes: list[tuple[_Unit[Any], Any, dict[str, Any], BaseException | None]] = []
        try:
            with _turn(lock), connection.begin():
                for unit in batch:
                    outcomes.append((unit, *_run_unit(connection, unit)))
        except Exception as failure:  # the commit failed: nothing of the batch is written
            log.exception("sqlite_batch_failed", units=len(batch))
            for unit in batch:
                unit.settle(None, {}, failure)
            return
        for unit, result, info, error in outcomes:
            unit.settle(result, info, error)

    @contextlib.contextmanager
    def _lock_file(self) -> Iterator[BinaryIO | None]:
        if self._lock_path is None:
            yield None
            return
        with open(self._lock_path, "a+b") as handle:
            yield handle


@contextlib.contextmanager
def _turn(lock: BinaryIO | None) -> Iterator[None]:
    """This process's turn to write, among all the processes that use the file."""
    if lock is None:
        yield
        return
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)


def _run_unit(
    connection: Connection, unit: _Unit[T]
) -> tuple[T | None, dict[str, Any], BaseException | None]:
    """One unit in a savepoint of the batch's transaction: on an error it alone rolls back."""
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        with session.begin():
            result = unit.work(session)
        return result, dict(session.info), None
    except Exception as error:
        return None, {}, error
    finally:
        session.close()


async def _uncancellable(future: asyncio.Future[T]) -> T:
    while True:
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            if future.done():
                return future.result()

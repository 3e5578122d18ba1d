"""The embedded SQLite's writes: one connection per process, committing a batch of
requests' transactions together.

SQLite has one writer at a time. Letting every request open its own write transaction
makes them queue inside SQLite's lock, which waits by sleeping (1, 2, 5, 10 … 100 ms)
and hands the lock to whoever wakes first: at 32 concurrent writers p99 reached 1.5 s
and long waits ended in "database is locked". Here each process has one writer: units of
work queue per tenant and are served round-robin (one tenant's burst does not starve
another), a batch of them runs in one transaction, each in a savepoint of its own (a
unit that fails rolls back alone), and one commit, fsynced (`synchronous=FULL`), makes
the whole batch durable before any of its callers is answered.

The units run on the event loop itself: they are short (a ticket and its rows, well
under a millisecond), and handing each to a thread cost more than running it (the GIL
passed back and forth: about a fifth of a create's CPU). What waits runs in a thread,
once per batch: the commit's fsync, and a turn held by another process. Writers of
several processes take turns (`servicedesk.db.turns`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Connection, Engine, RootTransaction
from sqlalchemy.orm import Session

from servicedesk import instruments
from servicedesk.db.fair import FairQueue, QueueTimeout
from servicedesk.db.turns import ProcessTurns
from servicedesk.logs import get_logger

log = get_logger(__name__)

T = TypeVar("T")

QUEUED = "queued"
RUNNING = "running"
CANCELLED = "cancelled"
# A batch stops taking units after this much of their work, so the loop is never held
# long; the rest wait their turn for the next batch, right after this one's commit.
BATCH_SECONDS = 0.02


@dataclass(eq=False)
class _Unit(Generic[T]):
    work: Callable[[Session], T]
    key: Hashable
    future: asyncio.Future[tuple[T, dict[str, Any]]]
    queued_at: float = field(default_factory=time.monotonic)
    state: str = QUEUED

    def settle(self, result: T | None, info: dict[str, Any], error: BaseException | None) -> None:
        if self.future.done():
            return
        if error is not None:
            self.future.set_exception(error)
        else:
            self.future.set_result((result, info))  # type: ignore[arg-type]


class BatchLost(Exception):
    """A unit's failure rolled back the whole batch's transaction."""

    def __init__(self, unit: _Unit[Any], error: Exception) -> None:
        super().__init__(repr(error))
        self.unit = unit
        self.error = error


# A unit run in a batch: its result, its session's info, and its error (None: it wrote).
Outcome = tuple[_Unit[Any], Any, dict[str, Any], BaseException | None]


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
        self._queue: FairQueue[_Unit[Any]] = FairQueue()
        self._connection: Connection | None = None
        self._turns = ProcessTurns(lock_path) if lock_path is not None else None
        self._drain: asyncio.Task[None] | None = None
        self._closed = False

    async def run(self, work: Callable[[Session], T], key: Hashable) -> tuple[T, dict[str, Any]]:
        """Queue `work` and wait for its batch to commit; returns its result and the
        `info` its session gathered. Cancelled while queued, it never runs; cancelled
        while its batch runs, it waits for the batch to end (it may have committed)."""
        if self._closed:
            raise RuntimeError("the database is closed")
        unit: _Unit[T] = _Unit(work, key, asyncio.get_running_loop().create_future())
        self._queue.push(key, unit)
        if self._drain is None or self._drain.done():
            self._drain = asyncio.get_running_loop().create_task(self._drain_queue())
        try:
            return await asyncio.shield(unit.future)
        except asyncio.CancelledError:
            if unit.state == QUEUED:
                unit.state = CANCELLED
                self._queue.remove(key, unit)
                raise
            with contextlib.suppress(Exception):
                await _uncancellable(unit.future)
            raise

    async def close(self) -> None:
        """Finish what is queued, then let the connection go."""
        self._closed = True
        if self._drain is not None:
            await self._drain
        if self._connection is not None:
            self._connection.close()
        if self._turns is not None:
            self._turns.close()

    async def _drain_queue(self) -> None:
        while len(self._queue):
            await self._write()

    def _next_unit(self) -> _Unit[Any] | None:
        """The next unit in turn order; the overdue ones are answered 503-style on the
        way (never started, so nothing of theirs is written)."""
        while len(self._queue):
            unit = self._queue.pop()
            waited = time.monotonic() - unit.queued_at
            if waited > self._queue_timeout:
                unit.state = CANCELLED
                unit.settle(None, {}, QueueTimeout(f"waited {waited:.1f} s to write"))
                continue
            unit.state = RUNNING
            instruments.observe_write_wait("sqlite", waited)
            return unit
        return None

    async def _write(self) -> None:
        await self._take_turn()
        outcomes: list[Outcome] = []
        try:
            try:
                transaction = self._run_units(outcomes)
            except BatchLost as lost:
                self._retry_batch(outcomes, lost)
                return
            except Exception as failure:  # the transaction could not begin
                log.exception("sqlite_batch_not_begun")
                for unit in self._drain_now():
                    unit.settle(None, {}, failure)
                return
            try:
                await asyncio.to_thread(transaction.commit)  # the fsync, off the loop
            except Exception as failure:
                log.exception("sqlite_batch_failed", units=len(outcomes))
                with contextlib.suppress(Exception):
                    transaction.rollback()
                for unit, *_ in outcomes:
                    unit.settle(None, {}, failure)
                return
        finally:
            self._give_turn()
        for unit, result, info, error in outcomes:
            unit.settle(result, info, error)

    def _retry_batch(self, outcomes: list[Outcome], lost: BatchLost) -> None:
        """One unit's failure took the batch's transaction with it: that unit gets its
        error; the units that ran before it wrote nothing, and go back to the head of
        the line to run again in the next batch."""
        log.warning("sqlite_batch_lost", units=len(outcomes), error=repr(lost.error))
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.rollback()
        lost.unit.settle(None, {}, lost.error)
        for unit, *_ in reversed(outcomes):
            unit.state = QUEUED
            self._queue.push_front(unit.key, unit)

    def _drain_now(self) -> list[_Unit[Any]]:
        """Every queued unit, out of the queue (the batch could not even begin)."""
        units = []
        while len(self._queue):
            units.append(self._queue.pop())
        return units

    def _run_units(self, outcomes: list[Outcome]) -> RootTransaction:
        """Begin the batch's transaction and run units, taken in turn order, each in a
        savepoint, until `max_batch` or BATCH_SECONDS of work: what is left waits in the
        queue, in turn with what arrives meanwhile. Each unit that ran is in `outcomes`."""
        connection = self._writing_connection()
        transaction = connection.begin()
        started = time.monotonic()
        while len(outcomes) < self._max_batch:
            if outcomes and time.monotonic() - started > BATCH_SECONDS:
                break
            unit = self._next_unit()
            if unit is None:
                break
            outcomes.append((unit, *_run_unit(connection, unit)))
        return transaction

    def _writing_connection(self) -> Connection:
        if self._connection is None or self._connection.closed:
            self._connection = self._engine.connect()
        return self._connection

    async def _take_turn(self) -> None:
        if self._turns is not None:
            await self._turns.take()

    def _give_turn(self) -> None:
        if self._turns is not None:
            self._turns.give()


def _run_unit(
    connection: Connection, unit: _Unit[T]
) -> tuple[T | None, dict[str, Any], BaseException | None]:
    """One unit in a savepoint of the batch's transaction: on an error it alone rolls back.

    The savepoint is the driver's own statement: SQLAlchemy's nested transactions cost
    0.2 ms a unit here (0.002 ms this way). Its session joins the batch's transaction
    without taking it over: it flushes, and never commits or rolls back the batch."""
    driver = connection.connection.dbapi_connection
    assert driver is not None
    session = Session(
        bind=connection, join_transaction_mode="rollback_only", expire_on_commit=False
    )
    driver.execute("SAVEPOINT unit")
    try:
        result = unit.work(session)
        session.flush()
    except Exception as error:
        if not connection.in_transaction():
            # A failed flush rolls the session's transaction back, and with it the
            # batch's (join mode "rollback_only"): the savepoint is gone too.
            raise BatchLost(unit, error) from error
        driver.execute("ROLLBACK TO unit")
        driver.execute("RELEASE unit")
        return None, {}, error
    else:
        driver.execute("RELEASE unit")
        return result, dict(session.info), None
    finally:
        session.close()


async def _uncancellable(future: asyncio.Future[T]) -> T:
    while True:
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            if future.done():
                return future.result()

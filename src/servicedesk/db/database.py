"""The process's database: every read and every write transaction goes through here.

Work on the database is a plain function of a SQLAlchemy `Session` (a *unit*): the
rules and queries of the services run synchronously inside it, and the unit is the
transaction. What happens outside the database (an ITSM provider's answer, a DNS look-up,
the triage model) happens before or after, never inside, so no transaction waits on the
network. How a unit runs is this module's business, chosen for the engine:

- PostgreSQL (asyncpg): on the event loop through SQLAlchemy's greenlet bridge. Reads
  run in autocommit (no BEGIN or ROLLBACK round trip: each statement sees the latest
  commit, and no read here needs more). Writes take a turn at a `FairGate` sized to the
  pool, served round-robin by tenant, then run in one transaction.
- SQLite: lookups at once on the loop's own connection, other reads in a small thread
  pool; writes through `SqliteWriter`, which commits a batch of units together.

A unit never commits: `write` commits it, and a unit that raises writes nothing.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import Session

from servicedesk import deadline
from servicedesk.config import Settings
from servicedesk.db import models  # noqa: F401 - every mapper known to every session
from servicedesk.db.engine import (
    AUTOCOMMIT,
    SQLITE_BEGIN_OPTION,
    create_postgres_engine,
    create_sqlite_engine,
)
from servicedesk.db.fair import FairGate
from servicedesk.db.sqlite_writer import SqliteWriter
from servicedesk.metrics import instruments

T = TypeVar("T")

# The session.info flag servicedesk.jobs sets when it enqueues: after the commit, this
# process's worker is woken to run the new jobs at once instead of at its next poll.
ENQUEUED_FLAG = "outbox_enqueued"
# Units of the system (the worker, the CLI) take their turn under this key.
SYSTEM = "system"
SQLITE_READ_THREADS = 4

Unit = Callable[[Session], T]


class Database:
    """One engine and the way its units run."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dialect = "sqlite" if settings.is_sqlite else "postgresql"
        self.jobs_enqueued = asyncio.Event()
        self._backend: _Sqlite | _Postgres = (
            _Sqlite(settings) if settings.is_sqlite else _Postgres(settings)
        )

    @property
    def remote(self) -> bool:
        """Whether each statement is a round trip to a server (PostgreSQL), not a call
        within the process (SQLite)."""
        return self.dialect == "postgresql"

    @property
    def engine(self) -> Engine | AsyncEngine:
        return self._backend.engine

    async def read(self, work: Unit[T]) -> T:
        """Run `work` without a write transaction; whatever it changes is discarded."""
        return await self._backend.read(work)

    async def lookup(self, work: Unit[T]) -> T:
        """`read` for work bounded by an index (a row by its key, a page of the newest):
        on SQLite it runs at once in the caller's thread, in autocommit, where a hop to
        a reader thread would cost more than the statement."""
        return await self._backend.lookup(work)

    async def write(
        self, work: Unit[T], *, tenant_id: uuid.UUID | None = None, one_statement: bool = False
    ) -> T:
        """Run `work` in a transaction and commit it before returning its result. Writes
        of one tenant take turns with other tenants' (round-robin); one that cannot start
        within `write_queue_timeout_seconds` raises `QueueTimeout`, having written
        nothing.

        `one_statement`: the unit writes with a single statement, atomic by itself; on
        PostgreSQL it then runs without BEGIN and COMMIT (one round trip, not three)."""
        with deadline.writing():
            result, info = await self._backend.write(work, tenant_id or SYSTEM, one_statement)
        if info.get(ENQUEUED_FLAG):
            self.jobs_enqueued.set()
        return result

    async def ping(self) -> None:
        """One `SELECT 1` (in autocommit on PostgreSQL: one round trip, no BEGIN)."""
        await self.read(lambda session: session.execute(text("SELECT 1")))

    async def dispose(self) -> None:
        await self._backend.dispose()


class _Postgres:
    def __init__(self, settings: Settings) -> None:
        self.engine = create_postgres_engine(settings)
        self._read_sessions = async_sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
        )
        self._write_sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._gate = FairGate(settings.db_pool_size, settings.write_queue_timeout_seconds)

    async def read(self, work: Unit[T]) -> T:
        async with self._read_sessions() as session:
            return await session.run_sync(work)

    lookup = read

    async def write(self, work: Unit[T], key: Any, one_statement: bool) -> tuple[T, dict[str, Any]]:
        queued = time.perf_counter()
        async with self._gate.turn(key):
            # The gate admits as many writers as the pool has connections.
            instruments.observe_write_wait("postgresql", time.perf_counter() - queued)
            if one_statement:
                async with self._read_sessions() as session:
                    return await session.run_sync(work), dict(session.info)
            async with self._write_sessions() as session:
                async with session.begin():
                    result = await session.run_sync(work)
                return result, dict(session.info)

    async def dispose(self) -> None:
        await self.engine.dispose()


class _Sqlite:
    def __init__(self, settings: Settings) -> None:
        self.engine = create_sqlite_engine(settings)
        path = settings.sqlite_path
        self._writer = SqliteWriter(
            self.engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"}),
            max_batch=settings.sqlite_write_batch,
            queue_timeout=settings.write_queue_timeout_seconds,
            lock_path=path.with_name(path.name + ".writer-lock") if path else None,
        )
        self._readers = ThreadPoolExecutor(SQLITE_READ_THREADS, thread_name_prefix="sqlite-read")
        # The event loop's own connection, for lookups: a file read in WAL mode never
        # waits on a writer, so it cannot stall the loop on a lock.
        self._lookups = self.engine.execution_options(**{SQLITE_BEGIN_OPTION: AUTOCOMMIT})
        self._lookup_connection: Connection | None = None

    async def read(self, work: Unit[T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._read_now, work)

    def _read_now(self, work: Unit[T]) -> T:
        with Session(self.engine, expire_on_commit=False) as session:
            return work(session)

    async def lookup(self, work: Unit[T]) -> T:
        if self._lookup_connection is None or self._lookup_connection.closed:
            self._lookup_connection = self._lookups.connect()
        with Session(self._lookup_connection, expire_on_commit=False) as session:
            return work(session)

    async def write(self, work: Unit[T], key: Any, one_statement: bool) -> tuple[T, dict[str, Any]]:
        return await self._writer.run(work, key)  # batched: one commit for many anyway

    async def dispose(self) -> None:
        await self._writer.close()
        self._readers.shutdown(wait=True)
        if self._lookup_connection is not None:
            self._lookup_connection.close()
        self.engine.dispose()

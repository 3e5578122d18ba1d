"""The process's database: every read and every write transaction goes through here.

Work on the database is a plain function of a SQLAlchemy `Session` (a *unit*): the
rules and queries of the services run synchronously inside it, and the unit is the
transaction. What happens outside the database (an ITSM provider's answer, a DNS look-up,
the triage model) happens before or after, never inside, so no transaction waits on the
network. How a unit runs is this module's business, chosen for the engine:

- PostgreSQL (asyncpg): on the event loop through SQLAlchemy's greenlet bridge. Reads
  run in autocommit (no BEGIN or ROLLBACK round trip: each statement sees the latest
  commit, and no read here needs more). Writes take a turn at a `FairGate` sized to the
  pool, served round-robin by tenant, then run in one transaction. A write of one
  statement runs its unit on a session with no connection, and the statement the unit
  hands over (`DriverStatement`) on the pooled connection's asyncpg, in autocommit:
  past SQLAlchemy's session, execution context and cursor, about 0.15 ms less per
  create (docs/performance.md). Those connections are the writer engine's, where
  PostgreSQL keeps a generic plan of the statement (a create's inserts) instead of
  planning each execution as the reads' connections do. Hot reads by an index
  (`RowQuery`: a ticket, a page of the newest) run the same way, on the reads' pool:
  `lookup_ready_rows`.
- SQLite: lookups at once on the loop's own connection, other reads in a small thread
  pool; writes through `SqliteWriter`, which commits a batch of units together.

A unit never commits: `write` commits it, and a unit that raises writes nothing.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, overload

import asyncpg
from sqlalchemy import Select, TextualSelect, text
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool
from sqlalchemy.util import greenlet_spawn

from servicedesk import deadline, instruments
from servicedesk.config import Settings
from servicedesk.db import ready
from servicedesk.db.engine import (
    AUTOCOMMIT,
    SQLITE_BEGIN_OPTION,
    create_postgres_engine,
    create_postgres_writer_engine,
    create_sqlite_engine,
)
from servicedesk.db.fair import FairGate
from servicedesk.db.sqlite_writer import SqliteWriter

T = TypeVar("T")

# The session.info flag servicedesk.jobs sets when it enqueues: after the commit, this
# process's worker is woken to run the new jobs at once instead of at its next poll.
ENQUEUED_FLAG = "outbox_enqueued"
# Units of the system (the worker, the CLI) take their turn under this key.
SYSTEM = "system"
SQLITE_READ_THREADS = 4

Unit = Callable[[Session], T]
# The session.info key under which a unit of a one-statement write hands over its
# statement (`DriverStatement`); present, as None, only in such a unit's session.
ONE_STATEMENT = "one_statement"


class PreconditionFailed(Exception):
    """A guarded write's precondition found no row: nothing was written."""


@dataclass(frozen=True, slots=True)
class DriverStatement:
    """One statement as the driver takes it: its SQL and its parameters, in order,
    already converted (servicedesk.db.rows compiles them once). `guarded`: it returns a
    row only if its precondition held (`PreconditionFailed` otherwise)."""

    sql: str
    parameters: tuple[Any, ...]
    guarded: bool

    def check(self, returned: object | None) -> None:
        """`PreconditionFailed` when a guarded statement returned no row."""
        if self.guarded and returned is None:
            raise PreconditionFailed()


@dataclass(frozen=True, slots=True)
class RowQuery:
    """A read bounded by an index (a row by its key, a page of the newest): a Core
    statement built once (a module constant, or one of a few cached by shape, whose
    parameters are `bindparam`s) and the values of its parameters."""

    statement: Select[Any] | TextualSelect
    parameters: Mapping[str, Any]


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

    async def lookup_ready_rows(self, query: RowQuery) -> list[dict[str, Any]]:
        """Every row of `query` by column name, its values JSON-ready
        (servicedesk.db.ready), read past the session on both databases. On PostgreSQL
        the statement (compiled once) runs on the pool's own asyncpg connection in
        autocommit, past SQLAlchemy's Connection, execution context and result (a get
        0.87 -> 0.60 ms in process, docs/performance.md); on SQLite on the loop's own
        sqlite3 connection, rendered from the stored text. Tested equal to what the
        session reads, rendered."""
        return await self._backend.lookup_ready_rows(query)

    async def write(
        self, work: Unit[T], *, tenant_id: uuid.UUID | None = None, one_statement: bool = False
    ) -> T:
        """Run `work` in a transaction and commit it before returning its result. Writes
        of one tenant take turns with other tenants' (round-robin); one that cannot start
        within `write_queue_timeout_seconds` raises `QueueTimeout`, having written
        nothing.

        `one_statement`: the unit writes with a single statement, atomic by itself, and
        reads nothing through its session; on PostgreSQL it then runs without BEGIN and
        COMMIT (one round trip, not three), the statement sent by the driver itself."""
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
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._read_sessions = async_sessionmaker(self._autocommit, expire_on_commit=False)
        self._write_sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._gate = FairGate(settings.db_pool_size, settings.write_queue_timeout_seconds)
        self._pool = self.engine.sync_engine.pool
        self.writer_engine = create_postgres_writer_engine(settings)
        self._writer_pool = self.writer_engine.sync_engine.pool

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
                return await self._write_one_statement(work)
            async with self._write_sessions() as session:
                async with session.begin():
                    result = await session.run_sync(work)
                return result, dict(session.info)

    async def _write_one_statement(self, work: Unit[T]) -> tuple[T, dict[str, Any]]:
        """The unit gathers its rows on a session that has no connection (a read there
        fails loudly: greenlet_spawn has not been called); its statement then runs on a
        pooled connection's asyncpg, past SQLAlchemy's session, execution context and
        cursor."""
        with Session(self.engine.sync_engine, expire_on_commit=False) as session:
            session.info[ONE_STATEMENT] = None
            result = work(session)
            info = dict(session.info)
        statement: DriverStatement | None = info.pop(ONE_STATEMENT)
        if statement is not None:
            await self._run_on_driver(statement)
        return result, info

    async def _run_on_driver(self, statement: DriverStatement) -> None:
        row = await self._fetch_on_driver(self._writer_pool, statement)
        statement.check(row)

    async def lookup_ready_rows(self, query: RowQuery) -> list[dict[str, Any]]:
        dialect = self.engine.dialect
        statement = _driver_statement(query, dialect)
        rows = await self._fetch_on_driver(self._pool, statement, every_row=True)
        return ready.rendered(rows, ready.renderings(query.statement, dialect))

    @overload
    async def _fetch_on_driver(
        self, pool: Pool, statement: DriverStatement
    ) -> asyncpg.Record | None: ...

    @overload
    async def _fetch_on_driver(
        self, pool: Pool, statement: DriverStatement, *, every_row: Literal[True]
    ) -> list[asyncpg.Record]: ...

    async def _fetch_on_driver(
        self, pool: Pool, statement: DriverStatement, *, every_row: bool = False
    ) -> asyncpg.Record | list[asyncpg.Record] | None:
        """The statement's first row (or every row), run by a pooled connection's
        asyncpg in autocommit (outside a transaction, as asyncpg runs a statement by
        itself)."""
        # The pool's connection itself, past the engine's Connection, its isolation
        # level and its events (~0.05 ms a statement). Returning it rolls nothing back:
        # SQLAlchemy's adapter began no transaction on it.
        pooled = await greenlet_spawn(pool.connect)
        try:
            driver: asyncpg.Connection = pooled.driver_connection
            try:
                if every_row:
                    return await driver.fetch(statement.sql, *statement.parameters)
                return await driver.fetchrow(statement.sql, *statement.parameters)
            except BaseException as error:
                lost = not isinstance(error, asyncpg.PostgresError) or driver.is_closed()
                if lost:
                    # Lost, timed out or cancelled mid-statement (or refused as the server
                    # closed it): never handed to another request.
                    await greenlet_spawn(pooled.invalidate)
                if isinstance(error, _DRIVER_ERRORS):
                    # Raised as SQLAlchemy would: a caller tells a duplicate by IntegrityError.
                    raise _as_sqlalchemy_error(statement, error, lost) from error
                raise
        finally:
            await greenlet_spawn(pooled.close)

    async def dispose(self) -> None:
        await self.writer_engine.dispose()
        await self.engine.dispose()


def _driver_statement(query: RowQuery, dialect: Dialect) -> DriverStatement:
    sql, order = _compiled_once(query.statement, dialect)
    values = query.parameters
    parameters = tuple(
        values[name] if convert is None else convert(values[name]) for name, convert in order
    )
    return DriverStatement(sql, parameters, guarded=False)


DriverForm = tuple[str, tuple[tuple[str, Callable[[Any], Any] | None], ...]]


@functools.lru_cache(maxsize=64)
def _compiled_once(statement: Select[Any] | TextualSelect, dialect: Dialect) -> DriverForm:
    # By identity: a lookup's statement is built once (RowQuery), so compiled once.
    return driver_form(statement, dialect)


def driver_form(statement: Select[Any] | TextualSelect, dialect: Dialect) -> DriverForm:
    """The statement's SQL as the driver takes it (`$1`, `$2`, ...) and its parameters'
    names in that order, each with its conversion for the driver (JSON to text, ...) or
    None."""
    compiled = statement.compile(dialect=dialect)
    conversions: dict[str, Any] = dict(compiled._bind_processors)
    order = tuple((name, conversions.get(name)) for name in compiled.positiontup or ())
    return str(compiled), order


# What the driver raises of its own, and what SQLAlchemy's cursor would have wrapped.
_DRIVER_ERRORS = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,
)


def _as_sqlalchemy_error(
    statement: DriverStatement, error: BaseException, lost: bool
) -> DBAPIError:
    kind = (
        IntegrityError
        if isinstance(error, asyncpg.IntegrityConstraintViolationError)
        else DBAPIError
    )
    # Parameters hidden: they are a ticket's text, which no log line may carry.
    return kind(
        statement.sql,
        statement.parameters,
        error,
        hide_parameters=True,
        connection_invalidated=lost,
    )


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
        with Session(self._lookup_connected(), expire_on_commit=False) as session:
            return work(session)

    async def lookup_ready_rows(self, query: RowQuery) -> list[dict[str, Any]]:
        dialect = self.engine.dialect
        statement = _driver_statement(query, dialect)
        driver = self._lookup_connected().connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        stored = driver.execute(statement.sql, statement.parameters).fetchall()
        return ready.rendered(stored, ready.renderings(query.statement, dialect))

    def _lookup_connected(self) -> Connection:
        """The loop's own connection, in autocommit."""
        if self._lookup_connection is None or self._lookup_connection.closed:
            self._lookup_connection = self._lookups.connect()
        return self._lookup_connection

    async def write(self, work: Unit[T], key: Any, one_statement: bool) -> tuple[T, dict[str, Any]]:
        return await self._writer.run(work, key)  # batched: one commit for many anyway

    async def dispose(self) -> None:
        await self._writer.close()
        self._readers.shutdown(wait=True)
        if self._lookup_connection is not None:
            self._lookup_connection.close()
        self.engine.dispose()

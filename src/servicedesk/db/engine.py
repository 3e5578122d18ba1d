"""Creating the engines: asyncpg for PostgreSQL, the standard library's sqlite3 for the
embedded SQLite file, each with the settings that make it safe to share."""

from __future__ import annotations

from typing import Any

import pydantic_core
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from servicedesk.config import Settings

# Write transactions on SQLite start with BEGIN IMMEDIATE: they take the write lock at
# once (waiting up to busy_timeout) instead of failing with SQLITE_BUSY when a read
# transaction later tries to upgrade while another writer has committed.
SQLITE_BEGIN_OPTION = "servicedesk_sqlite_begin"
# As that option: no BEGIN at all, each statement its own transaction (quick reads).
AUTOCOMMIT = "AUTOCOMMIT"


def _json_text(value: Any) -> str:
    return pydantic_core.to_json(value).decode()


# JSON columns (events' payloads, metadata) encoded by pydantic-core: the same text as
# the standard library's, several times faster.
JSON_CODEC: dict[str, Any] = {
    "json_serializer": _json_text,
    "json_deserializer": pydantic_core.from_json,
}


def create_postgres_engine(settings: Settings) -> AsyncEngine:
    """The engine of every read and transaction: each execution planned for its own
    values (see `_server_settings`)."""
    # Connections past the pool are closed when returned: a pool smaller than a
    # process's usual concurrency opens and closes one per request (bench: p99 of
    # /readyz 0.4-1.2 s at 32 connections with a pool of 10, 0.13-0.28 s with 20).
    return _postgres_engine(
        settings, settings.db_pool_size, settings.db_pool_size // 2, custom_plans=True
    )


def create_postgres_writer_engine(settings: Settings) -> AsyncEngine:
    """The engine of one-statement writes (a create's inserts): connections of their
    own, where PostgreSQL may keep one generic plan per statement instead of planning
    each execution. Its pool opens connections only when such writes come, and holds
    as many as the write gate admits (`db_pool_size`), kept: no admitted writer waits
    for one, and none is opened and closed per write (a pool of 5 with overflow did
    that under 16 concurrent creates, and cost more than the plans saved)."""
    return _postgres_engine(settings, settings.db_pool_size, 0, custom_plans=False)


def _postgres_engine(
    settings: Settings, pool_size: int, max_overflow: int, *, custom_plans: bool
) -> AsyncEngine:
    return create_async_engine(
        settings.sqlalchemy_url,
        **JSON_CODEC,
        pool_size=pool_size,
        max_overflow=max_overflow,
        # Recycling replaces stale connections; a pre-ping would cost a round trip on
        # every checkout.
        pool_recycle=1800,
        # Reads run in autocommit: there is nothing to roll back when one ends (the
        # rollback cost a fifth of a lookup's CPU).
        skip_autocommit_rollback=True,
        connect_args={"server_settings": _server_settings(settings, custom_plans=custom_plans)},
    )


def _server_settings(settings: Settings, *, custom_plans: bool) -> dict[str, str]:
    server_settings = {
        # No statement may run away with the database: bounded query work.
        "statement_timeout": str(settings.postgres_statement_timeout_ms),
    }
    if custom_plans:
        # asyncpg prepares every statement, and after five runs PostgreSQL may switch
        # to a generic plan that does not know the parameters: a LIMIT becomes "10% of
        # the rows" and a search's words any words. That plan took the dense search
        # walk from 15 ms to 57-87 ms. Planning each execution costs a fraction of a
        # millisecond: 0.23 ms of a create's 0.76 ms statement (its inserts, whose
        # plan no value changes), which is why those run on the writer engine's
        # connections, left to PostgreSQL's default.
        server_settings["plan_cache_mode"] = "force_custom_plan"
    return server_settings


def create_sqlite_engine(settings: Settings) -> Engine:
    """The engine of the SQLite file (its folder created). Statements run synchronously
    in the caller's thread: `servicedesk.db.database` decides which thread that is."""
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_sync_engine(
        settings.sqlalchemy_url,
        **JSON_CODEC,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        connect_args={"check_same_thread": False},
    )
    configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
    return engine


def configure_sqlite(engine: Engine, busy_timeout: int) -> None:
    """How every connection to the SQLite file behaves (also `db copy`'s aiosqlite
    engine, through its `sync_engine`): SQLAlchemy's transactions, WAL, FULL sync,
    foreign keys."""

    @event.listens_for(engine, "connect")
    def _configure_connection(dbapi_connection: Any, _: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below (the sqlite3
        # module's own would break savepoints).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # FULL: an acknowledged write survives power loss too, not only a crash.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        if mode != AUTOCOMMIT:
            connection.exec_driver_sql(f"BEGIN {mode}")

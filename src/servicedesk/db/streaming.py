"""Moving many rows out of or into a database: engines without a statement timeout, one
read snapshot, the tables in foreign-key order and the ids each database numbers itself.

Shared by `servicedesk db copy` (a whole installation) and `servicedesk export` /
`import` (one tenant).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import Column, Integer, LargeBinary, Table, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from servicedesk.config import Settings
from servicedesk.db.engine import JSON_CODEC, configure_sqlite, create_postgres_engine

BATCH_ROWS = 1000
# A triage model is tens of megabytes: rows that hold one move one at a time.
BATCH_ROWS_WITH_BLOBS = 1


def batch_rows(table: Table) -> int:
    """How many of `table`'s rows to read or insert at once: memory holds one batch."""
    if any(isinstance(column.type, LargeBinary) for column in table.columns):
        return BATCH_ROWS_WITH_BLOBS
    return BATCH_ROWS


@asynccontextmanager
async def streaming_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """An engine on `settings`' database for statements as long as the data."""
    if settings.is_sqlite:
        engine = _sqlite_engine(settings)
    else:
        engine = create_postgres_engine(
            settings.model_copy(update={"postgres_statement_timeout_ms": 0})
        )
    try:
        yield engine
    finally:
        await engine.dispose()


def _sqlite_engine(settings: Settings) -> AsyncEngine:
    url = settings.sqlalchemy_url.replace("sqlite+pysqlite://", "sqlite+aiosqlite://", 1)
    engine = create_async_engine(url, **JSON_CODEC)
    # An explicit BEGIN holds a read snapshot; foreign keys are checked as the product's
    # own engine checks them.
    configure_sqlite(engine.sync_engine, settings.sqlite_busy_timeout_ms)
    return engine


async def begin_snapshot(connection: AsyncConnection) -> None:
    """One consistent view of the database for everything read on `connection`."""
    if connection.dialect.name == "postgresql":
        await connection.execution_options(isolation_level="REPEATABLE READ")
    await connection.begin()


def numbered_by_database(column: Column[object]) -> bool:
    """An integer key the database hands out (a sequence, SQLite's rowid), as opposed to
    one the application assigns (UUIDs, `key_...` ids)."""
    if column.autoincrement is True:
        return True
    return (
        column.autoincrement == "auto"
        and column.primary_key
        and isinstance(column.type, Integer)
        and len(column.table.primary_key.columns) == 1
        and not column.foreign_keys
    )


async def refresh_statistics(engine: AsyncEngine, written: list[Table]) -> None:
    """PostgreSQL plans from statistics that autovacuum gathers only later: after a bulk
    load, list totals (an estimate above 10,000) and search plans would be those of an
    empty table until then. SQLite's plans do not use gathered statistics here."""
    if engine.dialect.name != "postgresql":
        return
    quote = engine.dialect.identifier_preparer.quote
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in written:
            await autocommit.execute(text(f"ANALYZE {quote(table.name)}"))

"""`servicedesk db copy --to URL`: the whole installation into another, empty database.

The move off the embedded SQLite: every table of the models is streamed, in foreign-key
order, from the installation's database into the target (migrated first), in batches,
inside one target transaction: a copy that fails leaves the target as empty as it was.
Rows are copied as stored: API keys as their hashes, console passwords as their argon2
hashes, webhook secrets and provider and mailbox credentials still encrypted, readable
with the same `SERVICEDESK_SECRET_KEY` (or `DATA_DIR/secret.key`).

What the database derives from rows is not copied but rebuilt by the target's own
triggers as the rows arrive: PostgreSQL's search vectors, SQLite's full-text index and
ticket counts. PostgreSQL's id sequences are moved past the copied ids at the end.

The source is read in one transaction (a consistent snapshot), but writes made to it
meanwhile are not in the copy: stop the service first (`docs/operations.md`).
Attachments' files stay where they are (`DATA_DIR/attachments`); only their rows move.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, LargeBinary, Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from servicedesk.config import Settings
from servicedesk.db.engine import JSON_CODEC, configure_sqlite, create_postgres_engine
from servicedesk.db.models import Base

BATCH_ROWS = 1000
# A triage model is tens of megabytes: those rows move one at a time.
BATCH_ROWS_WITH_BLOBS = 1


class TargetNotEmpty(Exception):
    """The target holds rows already: a copy would mix two installations."""


@dataclass(frozen=True, slots=True)
class TableCopied:
    table: str
    rows: int


Progress = Callable[[TableCopied], None]


def tables() -> list[Table]:
    """Every table of the models, each after the tables it refers to."""
    return list(Base.metadata.sorted_tables)


async def copy_installation(
    source: Settings, target: Settings, progress: Progress | None = None
) -> list[TableCopied]:
    """Copy every row of `source`'s database into `target`'s, which must be migrated
    and empty; returns the rows copied per table."""
    async with (
        _engine(source) as reading,
        _engine(target) as writing,
        reading.connect() as source_connection,
        writing.begin() as target_connection,
    ):
        await _begin_snapshot(source_connection)
        await _refuse_unless_empty(target_connection)
        copied = []
        for table in tables():
            rows = await _copy_table(table, source_connection, target_connection)
            copied.append(TableCopied(table.name, rows))
            if progress is not None:
                progress(copied[-1])
        await _advance_sequences(target_connection)
    return copied


async def row_counts(settings: Settings) -> dict[str, int]:
    """Rows per table of the models: what a copy is checked against."""
    async with _engine(settings) as engine, engine.connect() as connection:
        return {
            table.name: int(await connection.scalar(select(func.count()).select_from(table)) or 0)
            for table in tables()
        }


@asynccontextmanager
async def _engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    if settings.is_sqlite:
        engine = _sqlite_engine(settings)
    else:
        # A copy's statements are as long as the data: no statement timeout.
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
    # An explicit BEGIN holds the source's read snapshot; the target's foreign keys are
    # checked as the product's own engine checks them.
    configure_sqlite(engine.sync_engine, settings.sqlite_busy_timeout_ms)
    return engine


async def _begin_snapshot(connection: AsyncConnection) -> None:
    """One consistent view of the source for the whole copy."""
    if connection.dialect.name == "postgresql":
        await connection.execution_options(isolation_level="REPEATABLE READ")
    await connection.begin()


async def _refuse_unless_empty(connection: AsyncConnection) -> None:
    for table in tables():
        if await connection.scalar(select(text("1")).select_from(table).limit(1)):
            raise TargetNotEmpty(f"the target database already has rows in {table.name}")


async def _copy_table(table: Table, source: AsyncConnection, target: AsyncConnection) -> int:
    """Stream `table` in primary-key order and insert it batch by batch: memory holds
    one batch, whatever the table's size."""
    batch = _batch_rows(table)
    ordered = select(table).order_by(*table.primary_key.columns)
    result = await source.stream(ordered.execution_options(yield_per=batch))
    copied = 0
    statement = insert(table)
    async for partition in result.partitions(batch):
        await target.execute(statement, [dict(row._mapping) for row in partition])
        copied += len(partition)
    return copied


def _batch_rows(table: Table) -> int:
    if any(isinstance(column.type, LargeBinary) for column in table.columns):
        return BATCH_ROWS_WITH_BLOBS
    return BATCH_ROWS


async def _advance_sequences(connection: AsyncConnection) -> None:
    """PostgreSQL hands out ids from sequences that know nothing of the copied rows:
    each is set to its table's highest id. (SQLite takes max(id) + 1 by itself.)"""
    if connection.dialect.name != "postgresql":
        return
    quote = connection.dialect.identifier_preparer.quote
    for table in tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or _is_generated_integer(column):
                # No sequence (a key the application assigns): setval(NULL, ...) is NULL.
                sequence = func.pg_get_serial_sequence(quote(table.name), column.name)
                highest = func.max(column)
                await connection.execute(
                    select(
                        func.setval(sequence, func.coalesce(highest, 1), highest.is_not(None))
                    ).select_from(table)
                )


def _is_generated_integer(column: Any) -> bool:
    return (
        column.autoincrement == "auto"
        and isinstance(column.type, Integer)
        and len(column.table.primary_key.columns) == 1
        and not column.foreign_keys
    )

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

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from servicedesk.config import Settings
from servicedesk.db.streaming import (
    batch_rows,
    begin_snapshot,
    numbered_by_database,
    refresh_statistics,
    streaming_engine,
)


class TargetNotEmpty(Exception):
    """The target holds rows already: a copy would mix two installations."""


@dataclass(frozen=True, slots=True)
class TableCopied:
    table: str
    rows: int


Progress = Callable[[TableCopied], None]


async def copy_installation(
    source: Settings,
    target: Settings,
    tables: Sequence[Table],
    progress: Progress | None = None,
) -> list[TableCopied]:
    """Copy every row of `tables` (all of the models', parents first:
    `servicedesk.registry.tables()`) from `source`'s database into `target`'s, which must
    be migrated and empty; returns the rows copied per table."""
    async with streaming_engine(source) as reading, streaming_engine(target) as writing:
        async with reading.connect() as source_connection, writing.begin() as target_connection:
            await begin_snapshot(source_connection)
            await _refuse_unless_empty(target_connection, tables)
            copied = []
            for table in tables:
                rows = await _copy_table(table, source_connection, target_connection)
                copied.append(TableCopied(table.name, rows))
                if progress is not None:
                    progress(copied[-1])
            await _advance_sequences(target_connection, tables)
        await refresh_statistics(writing, list(tables))
    return copied


async def row_counts(settings: Settings, tables: Sequence[Table]) -> dict[str, int]:
    """Rows per table of `tables`: what a copy is checked against."""
    async with streaming_engine(settings) as engine, engine.connect() as connection:
        return {
            table.name: int(await connection.scalar(select(func.count()).select_from(table)) or 0)
            for table in tables
        }


async def _refuse_unless_empty(connection: AsyncConnection, tables: Sequence[Table]) -> None:
    for table in tables:
        if await connection.scalar(select(text("1")).select_from(table).limit(1)):
            raise TargetNotEmpty(f"the target database already has rows in {table.name}")


async def _copy_table(table: Table, source: AsyncConnection, target: AsyncConnection) -> int:
    """Stream `table` in primary-key order and insert it batch by batch: memory holds
    one batch, whatever the table's size."""
    batch = batch_rows(table)
    ordered = select(table).order_by(*table.primary_key.columns)
    result = await source.stream(ordered.execution_options(yield_per=batch))
    copied = 0
    statement = insert(table)
    async for partition in result.partitions(batch):
        await target.execute(statement, [dict(row._mapping) for row in partition])
        copied += len(partition)
    return copied


async def _advance_sequences(connection: AsyncConnection, tables: Sequence[Table]) -> None:
    """PostgreSQL hands out ids from sequences that know nothing of the copied rows:
    each is set to its table's highest id. (SQLite takes max(id) + 1 by itself.)"""
    if connection.dialect.name != "postgresql":
        return
    quote = connection.dialect.identifier_preparer.quote
    for table in tables:
        for column in table.primary_key.columns:
            if numbered_by_database(column):
                # No sequence (a key the application assigns): setval(NULL, ...) is NULL.
                sequence = func.pg_get_serial_sequence(quote(table.name), column.name)
                highest = func.max(column)
                await connection.execute(
                    select(
                        func.setval(sequence, func.coalesce(highest, 1), highest.is_not(None))
                    ).select_from(table)
                )

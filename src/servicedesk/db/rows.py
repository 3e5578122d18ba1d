"""The rows a change adds, gathered and written together.

A ticket change adds rows to several tables: the ticket (a create), its events, webhook
deliveries, outbox jobs, triage feedback. Each table's rows go in one statement, and on
PostgreSQL all the tables' statements go in one (`WITH … INSERT …` per table): a round
trip to the database costs more than the rows (about half a millisecond through the
driver), so a create that was five round trips is one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Insert, Select, Table, bindparam, insert, literal_column, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from servicedesk.db.database import ENQUEUED_FLAG

OUTBOX_TABLE = "outbox_jobs"
Shape = tuple[tuple[Table, int, tuple[str, ...]], ...]


class PendingRows:
    """Rows to insert, by table, in the order the tables were first given (parents
    before the rows that refer to them)."""

    def __init__(self) -> None:
        self._tables: dict[Table, list[dict[str, Any]]] = {}

    def insert(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self._tables.setdefault(table, []).extend(rows)

    def __bool__(self) -> bool:
        return bool(self._tables)

    def write(self, session: Session) -> None:
        """Insert them all, in as few statements as the database allows."""
        if not self._tables:
            return
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            shape = tuple(
                (table, len(rows), tuple(rows[0])) for table, rows in self._tables.items()
            )
            values = {
                _name(n, i, column): value
                for n, rows in enumerate(self._tables.values())
                for i, row in enumerate(rows)
                for column, value in row.items()
            }
            sql, order = _compiled(shape, connection.dialect)
            parameters = tuple(
                values[name] if process is None else process(values[name])
                for name, process in order
            )
            connection.exec_driver_sql(sql, parameters)
        else:
            for table, rows in self._tables.items():
                connection.execute(_insert(table), rows)
        if any(table.name == OUTBOX_TABLE for table in self._tables):
            session.info[ENQUEUED_FLAG] = True  # wake this process's worker after commit
        self._tables.clear()


@functools.cache
def _insert(table: Table) -> Insert:
    return insert(table)


def _one_statement(shape: Shape) -> Select[Any]:
    """`WITH rows_0 AS (INSERT …), rows_1 AS (INSERT …) SELECT 1` for rows of this shape
    (tables, how many rows, which columns), built once: compiling it cost more than the
    round trip it saves. Values are bound parameters named by table, row and column."""
    ctes = [
        insert(table)
        .values(
            [
                {column: bindparam(_name(n, i, column), type_=table.c[column].type)
                 for column in columns}
                for i in range(count)
            ]
        )
        .cte(f"rows_{n}")
        for n, (table, count, columns) in enumerate(shape)
    ]  # fmt: skip
    return select(literal_column("1")).add_cte(*ctes)


@functools.lru_cache(maxsize=256)
def _compiled(
    shape: Shape, dialect: Dialect
) -> tuple[str, tuple[tuple[str, Callable[[Any], Any] | None], ...]]:
    """The statement's SQL, and its parameters in order with each one's conversion for
    the driver (JSON to text, ...), compiled once: SQLAlchemy does not cache statements
    that insert several rows, and compiling one cost more than the round trip it saves
    (~1.5 ms)."""
    compiled = _one_statement(shape).compile(dialect=dialect)
    processors: dict[str, Any] = dict(compiled._bind_processors)
    order = tuple((name, processors.get(name)) for name in compiled.positiontup or ())
    return str(compiled), order


def _name(table: int, row: int, column: str) -> str:
    return f"r{table}_{row}_{column}"

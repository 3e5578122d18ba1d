"""The rows a change adds, gathered and written together.

A ticket change adds rows to several tables: the ticket (a create), its events, webhook
deliveries, outbox jobs, triage feedback. Each table's rows go in one statement, and on
PostgreSQL all the tables' statements go in one (`WITH … INSERT …` per table): a round
trip to the database costs more than the rows (about half a millisecond through the
driver), so a create that was five round trips is one.

Every row of a table names the same columns: a row that names others is refused when it
is added (`MismatchedRows`), since one statement carries one list of columns and would
drop a second row's extra key or fail on its missing one. A column left out that has a
Python-side `default=` gets that default here, for every row, on both databases (the ORM
used to fill it on SQLite and not on PostgreSQL).

A `Precondition` makes the rows conditional: they are written only if its query finds a
row, checked in the same statement on PostgreSQL (the rows are selected `FROM` it), so
that a create can check the tenant's configuration version without a round trip of its
own (servicedesk.tenant_config). When it finds none, nothing is written and `write`
raises `PreconditionFailed`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Insert, Select, Table, bindparam, insert, literal_column, select, union_all
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from servicedesk.db.database import (
    ENQUEUED_FLAG,
    ONE_STATEMENT,
    DriverForm,
    DriverStatement,
    PreconditionFailed,
    driver_form,
)

__all__ = ["MismatchedRows", "PendingRows", "Precondition", "PreconditionFailed"]

OUTBOX_TABLE = "outbox_jobs"
Shape = tuple[tuple[Table, int, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Precondition:
    """Write only if `query` finds a row with `parameters`. `query` is built once (a
    module constant: the statement it is part of is compiled once per query), its
    parameters are `bindparam`s named in `parameters`."""

    query: Select[Any]
    parameters: Mapping[str, Any] = field(hash=False)


class MismatchedRows(ValueError):
    """A row that names other columns than its table's first pending row, or a column
    its table does not have."""


class PendingRows:
    """Rows to insert, by table, in the order the tables were first given (parents
    before the rows that refer to them)."""

    def __init__(self) -> None:
        self._tables: dict[Table, list[dict[str, Any]]] = {}

    def insert(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        pending = self._tables.setdefault(table, [])
        defaults, known = _python_defaults(table)
        columns = pending[0].keys() if pending else None
        for row in rows:
            missing = [(name, make) for name, make in defaults if name not in row]
            complete = {**row, **{name: make() for name, make in missing}} if missing else row
            if columns is None:
                if not complete.keys() <= known:
                    raise MismatchedRows(
                        f"{table.name} has no column {sorted(complete.keys() - known)[0]!r}"
                    )
                columns = complete.keys()
            elif complete.keys() != columns:
                raise MismatchedRows(
                    f"a {table.name} row names {sorted(complete)}, the first {sorted(columns)}"
                )
            pending.append(complete)

    def __bool__(self) -> bool:
        return bool(self._tables)

    def write(self, session: Session, precondition: Precondition | None = None) -> None:
        """Insert them all, in as few statements as the database allows; with a
        `precondition`, only if it holds (`PreconditionFailed` otherwise)."""
        if not self._tables:
            if precondition is not None:
                _check(session, precondition)
            return
        dialect = session.get_bind().dialect
        if dialect.name == "postgresql":
            self._write_in_one_statement(session, dialect, precondition)
        else:
            if precondition is not None:
                _check(session, precondition)
            connection = session.connection()
            for table, rows in self._tables.items():
                connection.execute(_insert(table), rows)
        if any(table.name == OUTBOX_TABLE for table in self._tables):
            session.info[ENQUEUED_FLAG] = True  # wake this process's worker after commit
        self._tables.clear()

    def _write_in_one_statement(
        self, session: Session, dialect: Dialect, precondition: Precondition | None
    ) -> None:
        statement = self._statement(dialect, precondition)
        if ONE_STATEMENT in session.info:
            # A one-statement write (Database.write): the database runs it on the driver.
            if session.info[ONE_STATEMENT] is not None:
                raise RuntimeError("a one-statement write wrote a second statement")
            session.info[ONE_STATEMENT] = statement
            return
        written = session.connection().exec_driver_sql(statement.sql, statement.parameters)
        statement.check(written.first())

    def _statement(self, dialect: Dialect, precondition: Precondition | None) -> DriverStatement:
        shape = tuple((table, len(rows), tuple(rows[0])) for table, rows in self._tables.items())
        values = {
            _name(n, i, column): value
            for n, rows in enumerate(self._tables.values())
            for i, row in enumerate(rows)
            for column, value in row.items()
        }
        if precondition is not None:
            values.update(precondition.parameters)
        guard = precondition.query if precondition is not None else None
        sql, order = _compiled(shape, guard, dialect)
        parameters = tuple(
            values[name] if process is None else process(values[name]) for name, process in order
        )
        return DriverStatement(sql, parameters, guarded=guard is not None)


@functools.cache
def _python_defaults(
    table: Table,
) -> tuple[tuple[tuple[str, Callable[[], Any]], ...], frozenset[str]]:
    """The table's columns with a Python-side default (and how to make it), and the names
    of all its columns."""
    defaults = []
    for column in table.columns:
        default = column.default
        if default is None or not (default.is_scalar or default.is_callable):
            continue
        arg: Any = default.arg  # type: ignore[attr-defined]
        if default.is_scalar:
            defaults.append((column.key, functools.partial(_same, arg)))
        else:
            defaults.append((column.key, functools.partial(arg, None)))
    return tuple(defaults), frozenset(column.key for column in table.columns)


def _same(value: Any) -> Any:
    return value


@functools.cache
def _insert(table: Table) -> Insert:
    return insert(table)


def _check(session: Session, precondition: Precondition) -> None:
    found = session.connection().execute(precondition.query, dict(precondition.parameters))
    if found.first() is None:
        raise PreconditionFailed()


def _one_statement(shape: Shape, guard: Select[Any] | None) -> Select[Any]:
    """`WITH rows_0 AS (INSERT …), rows_1 AS (INSERT …) SELECT 1` for rows of this shape
    (tables, how many rows, which columns), built once: compiling it cost more than the
    round trip it saves. Values are bound parameters named by table, row and column.

    With a `guard`, each row is `SELECT`ed `FROM` it (typed parameters: PostgreSQL infers
    no column types there) and the statement returns a row only if the guard found one."""
    if guard is None:
        ctes = [
            insert(table)
            .values([_row_parameters(table, n, i, columns) for i in range(count)])
            .cte(f"rows_{n}")
            for n, (table, count, columns) in enumerate(shape)
        ]
        return select(literal_column("1")).add_cte(*ctes)
    holds = guard.cte("guard")
    guarded = [
        insert(table)
        .from_select(
            list(columns),
            # One row's union renders as its plain SELECT.
            union_all(
                *(
                    select(*_row_parameters(table, n, i, columns).values()).select_from(holds)
                    for i in range(count)
                )
            ),
        )
        .cte(f"rows_{n}")
        for n, (table, count, columns) in enumerate(shape)
    ]
    return select(literal_column("1")).select_from(holds).add_cte(holds, *guarded)


def _row_parameters(table: Table, n: int, i: int, columns: tuple[str, ...]) -> dict[str, Any]:
    return {
        column: bindparam(_name(n, i, column), type_=table.c[column].type) for column in columns
    }


@functools.lru_cache(maxsize=256)
def _compiled(shape: Shape, guard: Select[Any] | None, dialect: Dialect) -> DriverForm:
    """The statement's SQL, and its parameters in order with each one's conversion for
    the driver (JSON to text, ...), compiled once: SQLAlchemy does not cache statements
    that insert several rows, and compiling one cost more than the round trip it saves
    (~1.5 ms)."""
    return driver_form(_one_statement(shape, guard), dialect)


def _name(table: int, row: int, column: str) -> str:
    return f"r{table}_{row}_{column}"

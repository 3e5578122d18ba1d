"""INSERT … ON CONFLICT DO NOTHING on either database: make a row unless it exists."""

from __future__ import annotations

import functools
from typing import Any, cast

from sqlalchemy import Table, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from servicedesk.db.base import Base


def insert_or_ignore(session: Session, model: type[Base], values: dict[str, Any]) -> bool:
    """Insert `values` (by attribute name) unless a row with the same primary key (or
    unique key) exists; whether this statement inserted it.

    Unlike get-then-add, two transactions doing this at once never collide: on
    PostgreSQL the second waits for the first to end, then inserts only if it rolled
    back. The statement is built once per table and database, its values sent as
    parameters on the session's connection: building `.values(...)` and running it
    through the ORM's execution cost a keyed create more than its ticket's own rows
    (docs/performance.md, 2026-12-06)."""
    session.flush()  # what the unit added before comes first, as autoflush would order it
    connection = session.connection()
    statement = _insert_or_ignore_statement(model, connection.dialect.name)
    row = connection.execute(statement, _by_column(model, values)).first()
    return row is not None


@functools.cache
def _insert_or_ignore_statement(model: type[Base], dialect: str) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(Table, inspect(model).local_table)
    return insert(table).on_conflict_do_nothing().returning(*table.primary_key.columns)


def _by_column(model: type[Base], values: dict[str, Any]) -> dict[str, Any]:
    columns = inspect(model).columns
    return {columns[name].key: value for name, value in values.items()}

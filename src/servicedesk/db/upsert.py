"""INSERT … ON CONFLICT DO NOTHING on either database: make a row unless it exists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from servicedesk.db.base import Base


def insert_or_ignore(session: Session, model: type[Base], values: dict[str, Any]) -> bool:
    """Insert `values` unless a row with the same primary key (or unique key) exists;
    whether this statement inserted it.

    Unlike get-then-add, two transactions doing this at once never collide: on
    PostgreSQL the second waits for the first to end, then inserts only if it rolled
    back."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(model)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(*inspect(model).primary_key)
    )
    return session.execute(statement).first() is not None

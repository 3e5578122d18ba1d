"""Rows whose values are JSON-ready: each rendered as the API renders it (a UUID as its
dashed text, a time as an instant in UTC with `Z`, a JSON document decoded), straight
from what the driver returns.

A page of 20 tickets on SQLite spent 0.26 ms turning what SQLite stores into Python
values (a UUID from its 32 hex digits, a datetime from its text) and those back into the
response's text, against 0.055 ms reading the rows (docs/performance.md, 2026-12-05,
sixth session). Rendered from the stored text itself, the same page costs 0.10 ms.
On PostgreSQL the driver already gives Python values: they are rendered as
`instant` and `str` would render them.

Which rendering a column gets follows its SQLAlchemy type, worked out once per
statement (`renderings`); a column of another type gets SQLAlchemy's own conversion
(SQLite) or none (PostgreSQL).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, TextualSelect, Uuid
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from servicedesk.db.base import UTCDateTime

Render = Callable[[Any], Any]
Renderings = tuple[tuple[str, Render | None], ...]

# How SQLAlchemy stores a DateTime on SQLite: "2026-12-05 18:18:05.344896".
_SQLITE_STAMP_LENGTH = 26


def instant(value: datetime) -> str:
    """An aware datetime as the API renders it (as Pydantic does): UTC, ISO 8601, `Z`,
    microseconds only when there are some."""
    if value.tzinfo is UTC:  # as both databases give it: only the suffix differs
        return value.isoformat()[:-6] + "Z"
    return value.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def rendered(rows: Iterable[Sequence[Any]], renderings: Renderings) -> list[dict[str, Any]]:
    """The rows (values in the statement's column order) by column name, rendered."""
    return [
        {
            name: value if render is None or value is None else render(value)
            for (name, render), value in zip(renderings, row, strict=True)
        }
        for row in rows
    ]


@functools.lru_cache(maxsize=64)
def renderings(statement: Select[Any] | TextualSelect, dialect: Dialect) -> Renderings:
    """Each result column's name and its rendering from the driver's value (None: the
    value as it is), worked out once per statement (cached by identity: a statement
    built once)."""
    stored = dialect.name == "sqlite"
    return tuple(
        (
            column.name,
            _stored_rendering(column.type, dialect) if stored else _python_rendering(column.type),
        )
        for column in statement.selected_columns
    )


def _python_rendering(type_: TypeEngine[Any]) -> Render | None:
    if isinstance(type_, Uuid):
        return str
    if isinstance(type_, UTCDateTime):
        return instant
    return None


def _stored_rendering(type_: TypeEngine[Any], dialect: Dialect) -> Render | None:
    convert: Render | None = type_._cached_result_processor(dialect, None)
    if isinstance(type_, Uuid):
        return _dashed
    if isinstance(type_, UTCDateTime):
        assert convert is not None
        return functools.partial(_stored_instant, convert=convert)
    return convert


def _dashed(stored: str) -> str:
    """A UUID as SQLAlchemy stores it on SQLite (32 hex digits), as its text."""
    if len(stored) != 32:
        return str(uuid.UUID(stored))
    return f"{stored[:8]}-{stored[8:12]}-{stored[12:16]}-{stored[16:20]}-{stored[20:]}"


def _stored_instant(stored: str, *, convert: Render) -> str:
    """A time as SQLAlchemy stores it on SQLite (naive UTC, "YYYY-MM-DD HH:MM:SS.ffffff"),
    as an instant; any other text as SQLAlchemy would read it."""
    if len(stored) != _SQLITE_STAMP_LENGTH or stored[10] != " " or stored[19] != ".":
        return instant(convert(stored))
    if stored.endswith(".000000"):
        return f"{stored[:10]}T{stored[11:19]}Z"
    return f"{stored[:10]}T{stored[11:]}Z"

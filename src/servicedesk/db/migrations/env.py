"""Alembic environment: runs migrations on a given connection or on the settings' database."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from servicedesk.config import Settings
from servicedesk.db.engine import create_postgres_engine, create_sqlite_engine
from servicedesk.registry import Base

# Any constant: concurrent `servicedesk serve` start-ups on PostgreSQL queue here.
_MIGRATION_LOCK_ID = 7_310_221_004


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    from servicedesk.db.base import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# Structures kept by database triggers, outside the ORM: search (migration 0007) and
# SQLite's ticket counts (0010).
_UNMODELLED = {
    "search_vector",
    "ix_tickets_search",
    "ticket_search_ids",
    "sqlite_sequence",
    "ticket_counts",
}


def _include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    if reflected and compare_to is None and name is not None:
        return name not in _UNMODELLED and not name.startswith("tickets_fts")
    return True


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
        include_object=_include_object,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})"))
        context.run_migrations()


async def _run_on_postgres(settings: Settings) -> None:
    engine = create_postgres_engine(settings)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def _run_on_sqlite(settings: Settings) -> None:
    engine = create_sqlite_engine(settings)
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    settings = context.config.attributes.get("settings") or Settings()
    if settings.is_sqlite:
        _run_on_sqlite(settings)
    else:
        asyncio.run(_run_on_postgres(settings))


_main()

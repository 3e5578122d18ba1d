"""Running Alembic from code: upgrade, downgrade and drift check.

Every start of `servicedesk serve` (and of the worker and the CLI) upgrades the schema
first. When the database already stands at the newest migration, `HEAD`, the upgrade is
one query and Alembic is not even imported: its import and its reading of the migration
scripts were a tenth of a start (`bench/startup.py`). A test holds `HEAD` equal to
Alembic's own head, so adding a migration without moving it fails the suite.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from servicedesk.config import Settings
from servicedesk.db.engine import create_postgres_engine, create_sqlite_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
HEAD = "0019"
_STORED_REVISION = text("SELECT version_num FROM alembic_version")


def alembic_config(settings: Settings, connection: Any = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["settings"] = settings
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Bring the database of `settings` to `revision` (creating the SQLite file if needed)."""
    if revision == "head" and stored_revision(settings) == HEAD:
        return
    from alembic import command

    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(settings), revision)


def check(settings: Settings) -> None:
    """Raise if the models and the migrated schema disagree."""
    from alembic import command

    command.check(alembic_config(settings))


def stored_revision(settings: Settings) -> str | None:
    """The revision the database records, or None (a new database, or none recorded)."""
    try:
        if settings.is_sqlite:
            return _sqlite_revision(settings)
        return asyncio.run(_postgres_revision(settings))
    except DBAPIError:  # no alembic_version table yet
        return None


def _sqlite_revision(settings: Settings) -> str | None:
    engine = create_sqlite_engine(settings)
    try:
        with engine.connect() as connection:
            revision: str | None = connection.scalar(_STORED_REVISION)
            return revision
    finally:
        engine.dispose()


async def _postgres_revision(settings: Settings) -> str | None:
    engine = create_postgres_engine(settings)
    try:
        async with engine.connect() as connection:
            revision: str | None = await connection.scalar(_STORED_REVISION)
            return revision
    finally:
        await engine.dispose()

"""Running Alembic from code: upgrade, downgrade and drift check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

from servicedesk.config import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(settings: Settings, connection: Any = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["settings"] = settings
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Bring the database of `settings` to `revision` (creating the SQLite file if needed)."""
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)


def check(settings: Settings) -> None:
    """Raise if the models and the migrated schema disagree."""
    command.check(alembic_config(settings))

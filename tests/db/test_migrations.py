"""Migrations: upgrade, models agree with the schema (alembic check), downgrade, upgrade again."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from servicedesk.config import Settings, driver_database_url
from servicedesk.db import migrate
from tests.conftest import POSTGRES_URL, _postgres_or_skip


def _round_trip(settings: Settings) -> None:
    migrate.upgrade(settings)
    migrate.check(settings)
    migrate.downgrade(settings, "base")
    migrate.upgrade(settings)
    migrate.check(settings)


def test_sqlite_migrations_round_trip(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "fresh", environment="test")

    _round_trip(settings)

    assert (tmp_path / "fresh" / "servicedesk.db").exists()


def test_sqlite_database_runs_in_wal_mode(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, environment="test")
    migrate.upgrade(settings)

    engine = create_engine(f"sqlite:///{tmp_path / 'servicedesk.db'}")
    with engine.connect() as connection:
        mode = connection.execute(text("PRAGMA journal_mode")).scalar_one()
    engine.dispose()

    assert mode == "wal"


async def _admin(statement: str) -> None:
    assert POSTGRES_URL is not None
    engine = create_async_engine(driver_database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture
def scratch_postgres_database() -> Iterator[str]:
    """A throw-away database, so downgrading does not touch the shared test schema."""
    base_url = _postgres_or_skip()
    name = f"servicedesk_migrations_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(driver_database_url(base_url))
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_postgres_migrations_round_trip(scratch_postgres_database: str) -> None:
    _round_trip(Settings(database_url=scratch_postgres_database, environment="test"))


def test_head_is_alembics_newest_migration(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    settings = Settings(data_dir=tmp_path, environment="test")
    scripts = ScriptDirectory.from_config(migrate.alembic_config(settings))

    assert scripts.get_current_head() == migrate.HEAD


def test_an_upgrade_at_head_leaves_alembic_alone_and_one_behind_runs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alembic import command

    settings = Settings(data_dir=tmp_path, environment="test")
    assert migrate.stored_revision(settings) is None
    migrate.upgrade(settings)
    migrate.downgrade(settings, "-1")
    behind = migrate.stored_revision(settings)
    migrate.upgrade(settings)
    calls: list[str] = []
    monkeypatch.setattr(command, "upgrade", lambda *args: calls.append("upgrade"))

    migrate.upgrade(settings)

    assert behind is not None
    assert behind != migrate.HEAD
    assert migrate.stored_revision(settings) == migrate.HEAD
    assert calls == []

"""The settings object: a copy with other values works out what follows from them anew."""

from __future__ import annotations

from pathlib import Path

from servicedesk.config import Settings


def test_a_copy_with_another_database_connects_to_that_database(tmp_path: Path) -> None:
    """The URL was cached and copied along: a copy meant for another installation wrote
    into the first one's database."""
    first = Settings(database_url="postgresql://desk@db.example/first", data_dir=tmp_path)
    assert first.sqlalchemy_url == "postgresql+asyncpg://desk@db.example/first"

    other = first.model_copy(update={"database_url": None, "data_dir": tmp_path / "other"})

    assert other.sqlalchemy_url == f"sqlite+pysqlite:///{(tmp_path / 'other' / 'servicedesk.db')}"
    assert first.sqlalchemy_url == "postgresql+asyncpg://desk@db.example/first"

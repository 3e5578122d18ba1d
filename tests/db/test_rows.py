"""The rows a change adds, written together; with a precondition, all or none."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest
from sqlalchemy import JSON, Column, DateTime, MetaData, String, Table, Uuid, select
from sqlalchemy.exc import DBAPIError, IntegrityError, MissingGreenlet
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.config import Settings
from servicedesk.db.database import Database, _Postgres
from servicedesk.db.rows import MismatchedRows, PendingRows, PreconditionFailed
from servicedesk.tenant_config import TenantConfigs, bump, unchanged

_METADATA = MetaData()
# Every kind of column a ticket has, in two tables (rows of one refer to the other's).
PARENTS = Table(
    f"rows_parents_{uuid.uuid4().hex[:8]}",
    _METADATA,
    Column("id", Uuid, primary_key=True),
    Column("name", String(40)),
    Column("doc", JSON),
)
CHILDREN = Table(
    f"rows_children_{uuid.uuid4().hex[:8]}",
    _METADATA,
    Column("id", Uuid, primary_key=True),
    Column("parent_id", Uuid),
    Column("at", DateTime(timezone=True)),
)


@pytest.fixture
async def tables(database: Database) -> AsyncIterator[None]:
    await database.write(lambda session: _METADATA.create_all(session.connection()))
    try:
        yield
    finally:
        await database.write(lambda session: _METADATA.drop_all(session.connection()))


def _family(rows: PendingRows) -> uuid.UUID:
    parent = uuid.uuid4()
    rows.insert(PARENTS, [{"id": parent, "name": "parent", "doc": {"a": [1, "ü"]}}])
    at = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    rows.insert(CHILDREN, [{"id": uuid.uuid4(), "parent_id": parent, "at": at} for _ in range(2)])
    return parent


def _stored(session: Session) -> tuple[list[dict[str, object]], int]:
    parents = [dict(row) for row in session.execute(select(PARENTS)).mappings()]
    children = len(session.execute(select(CHILDREN)).all())
    return parents, children


@pytest.mark.parametrize("one_statement", [True, False])
async def test_rows_are_written_when_the_configuration_is_unchanged_and_not_at_all_when_it_moved(
    database: Database, tables: None, one_statement: bool
) -> None:
    configs = TenantConfigs(())
    tenant_id = await database.write(lambda s: auth.get_or_create_tenant(s, "acme").id)
    config = await database.read(lambda session: configs.current(session, tenant_id))

    def write(session: Session) -> uuid.UUID:
        rows = PendingRows()
        parent = _family(rows)
        rows.write(session, unchanged(config))
        return parent

    parent = await database.write(write, one_statement=one_statement)
    parents, children = await database.read(_stored)
    assert parents == [{"id": parent, "name": "parent", "doc": {"a": [1, "ü"]}}]
    assert children == 2

    await database.write(lambda session: bump(session, tenant_id))
    with pytest.raises(PreconditionFailed):
        await database.write(write, one_statement=one_statement)
    assert await database.read(_stored) == (parents, 2)  # nothing more

    fresh = await database.read(lambda session: configs.current(session, tenant_id))
    assert fresh.version == config.version + 1
    assert configs.assumed(tenant_id) is fresh


async def test_a_refused_one_statement_write_raises_sqlalchemys_integrity_error(
    database: Database, tables: None
) -> None:
    """A duplicate is told by SQLAlchemy's IntegrityError (servicedesk.email relies on
    it), also where the statement went to the driver itself; nothing of it is written."""
    parent = uuid.uuid4()
    await database.write(
        lambda session: session.execute(PARENTS.insert().values(id=parent, name="first"))
    )

    def again(session: Session) -> None:
        rows = PendingRows()
        rows.insert(PARENTS, [{"id": parent, "name": "again", "doc": None}])
        rows.insert(CHILDREN, [{"id": uuid.uuid4(), "parent_id": parent, "at": None}])
        rows.write(session)

    with pytest.raises(IntegrityError):
        await database.write(again, one_statement=True)
    parents, children = await database.read(_stored)
    assert [row["name"] for row in parents] == ["first"]
    assert children == 0


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_one_statement_unit_that_reads_fails_loudly_and_writes_nothing(
    database: Database, tables: None
) -> None:
    """On PostgreSQL such a unit's session has no connection: a read there is an error,
    never a statement outside the one the write sends."""

    def reads_first(session: Session) -> None:
        session.execute(select(PARENTS)).all()
        rows = PendingRows()
        _family(rows)
        rows.write(session)

    with pytest.raises(MissingGreenlet):
        await database.write(reads_first, one_statement=True)
    assert await database.read(_stored) == ([], 0)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_connection_lost_under_a_one_statement_write_is_never_used_again(
    database: Database, tables: None, settings: Settings
) -> None:
    """The statement goes to the driver past SQLAlchemy's cursor, which would have
    invalidated a lost connection: the database does it itself."""

    def family(session: Session) -> uuid.UUID:
        rows = PendingRows()
        parent = _family(rows)
        rows.write(session)
        return parent

    await database.write(family, one_statement=True)  # the writers' one connection, used
    await _terminate_other_backends(settings)
    with pytest.raises(DBAPIError) as lost:
        await database.write(family, one_statement=True)
    assert lost.value.connection_invalidated
    parent = await database.write(family, one_statement=True)
    await database.engine.dispose()  # the reads' idle connections were ended too
    parents, _ = await database.read(_stored)
    assert parent in {row["id"] for row in parents}


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_one_statement_write_is_planned_once_and_reads_at_each_execution(
    database: Database, tables: None
) -> None:
    """A create's statement runs on the writer engine's connections, where PostgreSQL
    keeps a generic plan instead of planning it again at each execution (0.23 ms of a
    0.76 ms statement); the reads' connections still plan each execution for its values."""

    def family(session: Session) -> None:
        rows = PendingRows()
        _family(rows)
        rows.write(session)

    for _ in range(8):  # PostgreSQL weighs a generic plan after five custom ones
        await database.write(family, one_statement=True)

    backend = database._backend
    assert isinstance(backend, _Postgres)
    async with backend.writer_engine.connect() as writer:  # the one connection the writes used
        plans = await writer.exec_driver_sql(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE 'WITH rows_0%'"
        )
        generic, custom = plans.one()
    assert generic >= 3
    assert custom <= 5
    async with database.engine.connect() as reader:  # type: ignore[union-attr]
        mode = await reader.exec_driver_sql("SHOW plan_cache_mode")
        assert mode.scalar_one() == "force_custom_plan"


async def _terminate_other_backends(settings: Settings) -> None:
    assert settings.database_url is not None
    url = settings.database_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await connection.close()


# Three columns, one with a Python-side default: the shape that showed PendingRows'
# traps (a default given on SQLite and a KeyError on PostgreSQL; a second row's extra key
# dropped silently; a second row's missing key a KeyError).
KINDS = Table(
    f"rows_kinds_{uuid.uuid4().hex[:8]}",
    _METADATA,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(20), default="plain"),
    Column("note", String(40), nullable=True),
)


@pytest.mark.parametrize("one_statement", [True, False])
async def test_a_left_out_column_gets_its_python_default_on_both_databases(
    database: Database, tables: None, one_statement: bool
) -> None:
    first, second, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    def write(session: Session) -> None:
        rows = PendingRows()
        rows.insert(KINDS, [{"id": first, "note": "a"}, {"id": second, "note": "b"}])
        # Its own kind: kept, not dropped for the first row's columns (SQLite stored
        # 'plain' here).
        rows.insert(KINDS, [{"id": third, "kind": "special", "note": "c"}])
        rows.write(session)

    await database.write(write, one_statement=one_statement)

    stored = await database.read(
        lambda session: {row.id: row.kind for row in session.execute(select(KINDS))}
    )
    assert stored == {first: "plain", second: "plain", third: "special"}


@pytest.mark.parametrize(
    "second",
    [
        {"id": uuid.UUID(int=2), "note": "b", "kind": "x", "extra": 1},
        {"id": uuid.UUID(int=2)},
        {"id": uuid.UUID(int=2), "note": "b", "colour": "red"},
    ],
    ids=["extra-key", "missing-key", "unknown-column"],
)
def test_a_row_naming_other_columns_than_the_first_is_refused(second: dict[str, object]) -> None:
    rows = PendingRows()
    rows.insert(KINDS, [{"id": uuid.UUID(int=1), "note": "a"}])

    with pytest.raises(MismatchedRows, match="the first"):
        rows.insert(KINDS, [second])


def test_a_first_row_with_a_column_the_table_lacks_is_refused() -> None:
    with pytest.raises(MismatchedRows, match="no column 'colour'"):
        PendingRows().insert(KINDS, [{"id": uuid.UUID(int=1), "colour": "red"}])

"""The rows a change adds, written together; with a precondition, all or none."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import JSON, Column, DateTime, MetaData, String, Table, Uuid, select
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.db.database import Database
from servicedesk.db.rows import PendingRows, PreconditionFailed
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

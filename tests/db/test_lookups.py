"""Rows by an index, read past the session (`Database.lookup_ready_rows`): the same rows
on both databases, and on PostgreSQL a pooled connection that comes back whatever
happened to the statement."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import JSON, Float, bindparam, func, literal_column, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.auth.models import Tenant
from servicedesk.config import Settings
from servicedesk.db.database import Database, RowQuery
from tests.db.test_rows import _terminate_other_backends

_TENANT = select(Tenant.id, Tenant.name).where(Tenant.id == bindparam("tenant_id"))
# A statement that takes as long as it is told to (PostgreSQL).
_SLEEP = select(literal_column("1").label("one"), func.pg_sleep(bindparam("seconds", type_=Float)))


async def _tenant(database: Database) -> uuid.UUID:
    def make(session: Session) -> uuid.UUID:
        return auth.get_or_create_tenant(session, "acme").id

    return await database.write(make)


async def test_a_row_by_its_key_or_none(database: Database) -> None:
    tenant_id = await _tenant(database)

    found = await database.lookup_ready_rows(RowQuery(_TENANT, {"tenant_id": tenant_id}))
    missing = await database.lookup_ready_rows(RowQuery(_TENANT, {"tenant_id": uuid.uuid4()}))

    assert found == [{"id": str(tenant_id), "name": "acme"}]
    assert missing == []


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_connection_lost_under_a_lookup_is_never_used_again(
    database: Database, settings: Settings
) -> None:
    tenant_id = await _tenant(database)
    query = RowQuery(_TENANT, {"tenant_id": tenant_id})
    await database.lookup_ready_rows(query)  # a pooled connection, used

    await _terminate_other_backends(settings)
    with pytest.raises(DBAPIError) as lost:
        await database.lookup_ready_rows(query)

    assert lost.value.connection_invalidated
    assert await database.lookup_ready_rows(query) == [{"id": str(tenant_id), "name": "acme"}]


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_lookups_cancelled_mid_statement_give_their_connections_back(
    database: Database, settings: Settings
) -> None:
    """More cancelled lookups than the pool holds: none keeps its connection, and the
    next lookup runs."""
    sleeping = RowQuery(_SLEEP, {"seconds": 5.0})
    for _ in range(settings.db_pool_size + settings.db_pool_size // 2 + 2):
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(database.lookup_ready_rows(sleeping), timeout=0.05)

    pool = database.engine.sync_engine.pool  # type: ignore[union-attr]
    assert pool.checkedout() == 0  # type: ignore[attr-defined]
    awake = RowQuery(_SLEEP, {"seconds": 0.0})
    done = await asyncio.wait_for(database.lookup_ready_rows(awake), 5)
    assert [row["one"] for row in done] == [1]


async def test_a_lookups_parameters_are_converted_as_the_session_converts_them(
    database: Database,
) -> None:
    """On PostgreSQL the values go to the driver with SQLAlchemy's own conversions (a
    JSON value as its text, ...), as they would through the session."""
    tenant_id = await _tenant(database)
    document = {"a": [1, "ü", None]}
    statement = select(bindparam("doc", type_=JSON).label("doc"), Tenant.name).where(
        Tenant.id == bindparam("tenant_id")
    )
    query = RowQuery(statement, {"doc": document, "tenant_id": tenant_id})

    assert await database.lookup_ready_rows(query) == [{"doc": document, "name": "acme"}]

"""The statements an export and an import run, on a streaming connection
(`servicedesk.db.streaming`): one tenant's rows table by table, its attachments'
digests, the checks an import makes before it inserts."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Collection
from typing import Any

from sqlalchemy import Column, ColumnElement, Row, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from servicedesk.auth.models import Tenant
from servicedesk.backup.tables import owning_parent
from servicedesk.tickets.models import TicketAttachment


async def tenant_id_named(connection: AsyncConnection, name: str) -> uuid.UUID | None:
    found: uuid.UUID | None = await connection.scalar(select(Tenant.id).where(Tenant.name == name))
    return found


async def tenant_name_of(connection: AsyncConnection, tenant_id: uuid.UUID) -> str | None:
    found: str | None = await connection.scalar(select(Tenant.name).where(Tenant.id == tenant_id))
    return found


def owned_by(table: Table, tenant_id: uuid.UUID) -> ColumnElement[bool]:
    """The condition that selects `table`'s rows of one tenant."""
    if table.name == "tenants":
        return table.c.id == tenant_id
    if "tenant_id" in table.c:
        return table.c.tenant_id == tenant_id
    column, parent = owning_parent(table)
    return column.in_(select(parent).where(parent.table.c.tenant_id == tenant_id))


async def rows_of_tenant(
    connection: AsyncConnection, table: Table, tenant_id: uuid.UUID, batch: int
) -> AsyncIterator[list[Row[Any]]]:
    """The tenant's rows of `table` in primary-key order, `batch` rows at a time."""
    rows = (
        select(table)
        .where(owned_by(table, tenant_id))
        .order_by(*table.primary_key.columns)
        .execution_options(yield_per=batch)
    )
    result = await connection.stream(rows)
    async for partition in result.partitions(batch):
        yield list(partition)


async def attachment_digests(
    connection: AsyncConnection, tenant_id: uuid.UUID
) -> AsyncIterator[str]:
    """The digest of each of the tenant's attachment contents, once, in order."""
    digests = await connection.stream_scalars(
        select(TicketAttachment.sha256)
        .distinct()
        .where(TicketAttachment.tenant_id == tenant_id)
        .order_by(TicketAttachment.sha256)
    )
    async for digest in digests:
        yield digest


async def insert_rows(
    connection: AsyncConnection, table: Table, rows: list[dict[str, Any]]
) -> None:
    await connection.execute(insert(table), rows)


async def count_owned(
    connection: AsyncConnection,
    parent: Column[Any],
    wanted: Collection[Any],
    tenant_id: uuid.UUID,
) -> int:
    """How many of the `wanted` ids of `parent`'s table are the tenant's rows."""
    found = await connection.scalar(
        select(func.count())
        .select_from(parent.table)
        .where(parent.in_(wanted), parent.table.c.tenant_id == tenant_id)
    )
    return int(found or 0)


async def count_foreign(
    connection: AsyncConnection, parent: Table, wanted: Collection[Any], tenant_id: uuid.UUID
) -> int:
    """How many of the `wanted` ids of `parent` are another tenant's rows."""
    found = await connection.scalar(
        select(func.count())
        .select_from(parent)
        .where(parent.c.id.in_(wanted), parent.c.tenant_id != tenant_id)
    )
    return int(found or 0)

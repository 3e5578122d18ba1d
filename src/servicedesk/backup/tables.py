"""Which rows belong to a tenant, table by table, and which tables an export leaves out."""

from __future__ import annotations

import uuid
from functools import cache

from sqlalchemy import Column, ColumnElement, Table, select

from servicedesk.db.streaming import tables

# Console logins belong to the installation they were made on: after an import, agents
# sign in again.
LEFT_OUT = frozenset({"console_sessions"})


@cache
def tenant_tables() -> tuple[Table, ...]:
    """The tables an export holds, parents before the rows that refer to them."""
    return tuple(table for table in tables() if table.name not in LEFT_OUT)


@cache
def _by_name() -> dict[str, Table]:
    return {table.name: table for table in tenant_tables()}


def tenant_table(name: object) -> Table | None:
    """The exported table called `name`; None if an export holds no such table. (Asked
    once per row of an import: a lookup, not a sort of the metadata.)"""
    return _by_name().get(name) if isinstance(name, str) else None


def owned_by(table: Table, tenant_id: uuid.UUID) -> ColumnElement[bool]:
    """The condition that selects `table`'s rows of one tenant."""
    if table.name == "tenants":
        return table.c.id == tenant_id
    if "tenant_id" in table.c:
        return table.c.tenant_id == tenant_id
    column, parent = owning_parent(table)
    return column.in_(select(parent).where(parent.table.c.tenant_id == tenant_id))


def owning_parent(table: Table) -> tuple[Column[object], Column[object]]:
    """For a table without a tenant column: its column that refers to a tenant's row,
    and the column referred to."""
    for column in table.columns:
        for key in column.foreign_keys:
            if "tenant_id" in key.column.table.c:
                return column, key.column
    raise LookupError(f"{table.name} has no way to its tenant")

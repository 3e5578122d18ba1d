"""Which rows belong to a tenant, table by table, and which tables an export leaves out."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Column, Table

from servicedesk.registry import tables

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


# Columns that hold another row's id without a declared foreign key (history outlives
# its ticket; a ticket's assignee, group and policy are looked up, not joined).
_UNDECLARED_REFERENCES = {
    ("events", "ticket_id"): "tickets",
    ("tickets", "group_id"): "groups",
    ("tickets", "assignee_id"): "users",
    ("tickets", "sla_policy_id"): "sla_policies",
    ("email_messages", "note_id"): "ticket_notes",
}


@cache
def references(table: Table) -> tuple[tuple[Column[object], Table], ...]:
    """`table`'s columns that hold the id of a row that belongs to a tenant (a parent with
    a tenant column), declared as foreign keys or not, with the parent's table."""
    found: list[tuple[Column[object], Table]] = []
    for column in table.columns:
        if column.name == "tenant_id":
            continue
        parents = [key.column.table for key in column.foreign_keys]
        undeclared = _UNDECLARED_REFERENCES.get((table.name, column.name))
        if undeclared is not None:
            parents.append(_by_name()[undeclared])
        found.extend((column, parent) for parent in parents if "tenant_id" in parent.c)
    return tuple(found)


def owning_parent(table: Table) -> tuple[Column[object], Column[object]]:
    """For a table without a tenant column: its column that refers to a tenant's row,
    and the column referred to."""
    for column in table.columns:
        for key in column.foreign_keys:
            if "tenant_id" in key.column.table.c:
                return column, key.column
    raise LookupError(f"{table.name} has no way to its tenant")

"""Every query on the tickets table; each one is scoped to a tenant."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    TextClause,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.tickets.models import Ticket


@dataclass(frozen=True, slots=True)
class TicketFilters:
    status: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    priority: str | None = None
    category: str | None = None
    requester_email: str | None = None
    updated_since: datetime | None = None
    # (name, type, value) of each `cf.<name>=value`, the value already of the field's type.
    custom_fields: tuple[tuple[str, str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Position:
    """A place in the newest-first order: just after the ticket with these keys."""

    created_at: datetime
    id: uuid.UUID


async def insert(session: AsyncSession, ticket: Ticket) -> None:
    session.add(ticket)
    await session.flush()


async def get(
    session: AsyncSession, tenant_id: uuid.UUID, ticket_id: uuid.UUID, *, for_update: bool = False
) -> Ticket | None:
    query = select(Ticket).where(Ticket.tenant_id == tenant_id, Ticket.id == ticket_id)
    if for_update:
        query = query.with_for_update()
    result = await session.execute(query)
    return result.scalar_one_or_none()


def _conditions(
    tenant_id: uuid.UUID, filters: TicketFilters, dialect: str
) -> list[ColumnElement[bool] | TextClause]:
    conditions: list[ColumnElement[bool] | TextClause] = [Ticket.tenant_id == tenant_id]
    if filters.status is not None:
        conditions.append(Ticket.status == filters.status)
    if filters.created_from is not None:
        conditions.append(Ticket.created_at >= filters.created_from)
    if filters.created_to is not None:
        conditions.append(Ticket.created_at <= filters.created_to)
    if filters.priority is not None:
        conditions.append(Ticket.priority == filters.priority)
    if filters.category is not None:
        conditions.append(Ticket.category == filters.category)
    if filters.requester_email is not None:
        conditions.append(Ticket.requester_email == filters.requester_email)
    if filters.updated_since is not None:
        conditions.append(Ticket.updated_at >= filters.updated_since)
    for name, field_type, value in filters.custom_fields:
        conditions.append(_custom_field_matches(name, field_type, value, dialect))
    return conditions


def _custom_field_matches(name: str, field_type: str, value: Any, dialect: str) -> TextClause:
    """`custom_fields[name]` equals `value` (or, for multi_select, contains it). The name
    and the value are bound parameters (unique per clause, so several combine)."""
    if dialect == "postgresql":
        if field_type == "multi_select":
            clause = text("jsonb_exists(tickets.custom_fields -> :name, :value)")
        else:
            clause = text("tickets.custom_fields -> :name = CAST(:value AS jsonb)")
            value = json.dumps(value)
    elif field_type == "multi_select":
        clause = text(
            "EXISTS (SELECT 1 FROM json_each(tickets.custom_fields, '$.' || :name) "
            "WHERE json_each.value = :value)"
        )
    else:
        clause = text("json_extract(tickets.custom_fields, '$.' || :name) = :value")
        value = int(value) if isinstance(value, bool) else value  # json_extract gives 1/0
    return clause.bindparams(
        bindparam("name", name, unique=True), bindparam("value", value, unique=True)
    )


def _after(position: Position) -> ColumnElement[bool]:
    # Row-value comparison spelled out, so SQLite and PostgreSQL both use the index.
    return or_(
        Ticket.created_at < position.created_at,
        and_(Ticket.created_at == position.created_at, Ticket.id < position.id),
    )


async def list_page(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    filters: TicketFilters,
    *,
    limit: int,
    offset: int = 0,
    after: Position | None = None,
) -> Sequence[Ticket]:
    dialect = session.get_bind().dialect.name
    query: Select[Any] = select(Ticket).where(*_conditions(tenant_id, filters, dialect))
    if after is not None:
        query = query.where(_after(after))
    query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit).offset(offset)
    result = await session.execute(query)
    tickets: Sequence[Ticket] = result.scalars().all()
    return tickets


@dataclass(frozen=True, slots=True)
class Count:
    value: int
    estimated: bool


async def count(
    session: AsyncSession, tenant_id: uuid.UUID, filters: TicketFilters, *, exact_up_to: int
) -> Count:
    """How many tickets match. On PostgreSQL: exact up to `exact_up_to`, beyond it the
    planner's estimate (a full count of a million rows would cost more than the page).
    Elsewhere (SQLite): always exact."""
    dialect = session.get_bind().dialect
    conditions = _conditions(tenant_id, filters, dialect.name)
    if dialect.name != "postgresql":
        # No estimate to fall back on: count exactly, once.
        exact = select(func.count()).select_from(Ticket).where(*conditions)
        return Count(int((await session.execute(exact)).scalar_one()), estimated=False)
    capped = select(literal(1)).select_from(Ticket).where(*conditions).limit(exact_up_to + 1)
    found = int(
        (await session.execute(select(func.count()).select_from(capped.subquery()))).scalar_one()
    )
    if found <= exact_up_to:
        return Count(found, estimated=False)
    estimate = await _planner_estimate(session, dialect, select(Ticket.id).where(*conditions))
    return Count(max(estimate, found), estimated=True)


async def _planner_estimate(session: AsyncSession, dialect: Dialect, query: Select[Any]) -> int:
    compiled = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    plan = (await session.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}"))).scalar_one()
    document = json.loads(plan) if isinstance(plan, str) else plan
    return int(document[0]["Plan"]["Plan Rows"])

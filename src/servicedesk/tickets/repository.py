"""Every query on the tickets table; each one is scoped to a tenant."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.tickets.models import Ticket


@dataclass(frozen=True, slots=True)
class TicketFilters:
    status: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


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


def _conditions(tenant_id: uuid.UUID, filters: TicketFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Ticket.tenant_id == tenant_id]
    if filters.status is not None:
        conditions.append(Ticket.status == filters.status)
    if filters.created_from is not None:
        conditions.append(Ticket.created_at >= filters.created_from)
    if filters.created_to is not None:
        conditions.append(Ticket.created_at <= filters.created_to)
    return conditions


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
    query: Select[Any] = select(Ticket).where(*_conditions(tenant_id, filters))
    if after is not None:
        query = query.where(_after(after))
    query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit).offset(offset)
    result = await session.execute(query)
    tickets: Sequence[Ticket] = result.scalars().all()
    return tickets


async def count(session: AsyncSession, tenant_id: uuid.UUID, filters: TicketFilters) -> int:
    query = select(func.count()).select_from(Ticket).where(*_conditions(tenant_id, filters))
    return int((await session.execute(query)).scalar_one())

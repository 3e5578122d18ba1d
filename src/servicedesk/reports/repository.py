"""Every query of the dashboard, scoped to a tenant and a window of days."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from servicedesk.events.models import Event
from servicedesk.tickets.models import Ticket, TicketNote
from servicedesk.triage.models import TriageFeedback

OPEN_STATUSES = ("open", "pending", "pending_agent")
# A bound on the tickets whose first reply is measured (the newest of the window).
REPLY_SAMPLE = 5_000


class ReportRepository:
    def __init__(self, session: Session, tenant_id: uuid.UUID) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def _day(self) -> ColumnElement[object]:
        if self.session.get_bind().dialect.name == "postgresql":
            return cast(func.timezone("UTC", Ticket.created_at), Date)
        # SQLite keeps naive UTC as "YYYY-MM-DD HH:MM:SS…" (servicedesk.db.base).
        return func.substr(Ticket.created_at, 1, 10)

    def created_per_day(self, since: datetime) -> dict[date, int]:
        day = self._day().label("day")
        rows = self.session.execute(
            select(day, func.count())
            .where(Ticket.tenant_id == self.tenant_id, Ticket.created_at >= since)
            .group_by(day)
        )
        return {_as_date(value): count for value, count in rows}

    def status_counts(self, since: datetime) -> dict[str, int]:
        rows = self.session.execute(
            select(Ticket.status, func.count())
            .where(Ticket.tenant_id == self.tenant_id, Ticket.created_at >= since)
            .group_by(Ticket.status)
        )
        return {status: count for status, count in rows}

    def triaged_tickets(self, since: datetime) -> int:
        """Tickets triage gave a result (`ticket.triaged`) in the window."""
        statement = select(func.count(func.distinct(Event.ticket_id))).where(
            Event.tenant_id == self.tenant_id,
            Event.type == "ticket.triaged",
            Event.occurred_at >= since,
        )
        return int(self.session.scalar(statement) or 0)

    def category_overrides(self, since: datetime) -> int:
        """Tickets whose category a person changed in the window."""
        statement = select(func.count(func.distinct(TriageFeedback.ticket_id))).where(
            TriageFeedback.tenant_id == self.tenant_id,
            TriageFeedback.field == "category",
            TriageFeedback.created_at >= since,
        )
        return int(self.session.scalar(statement) or 0)

    def backlog_per_group(self) -> dict[uuid.UUID | None, int]:
        rows = self.session.execute(
            select(Ticket.group_id, func.count())
            .where(Ticket.tenant_id == self.tenant_id, Ticket.status.in_(OPEN_STATUSES))
            .group_by(Ticket.group_id)
        )
        return {group_id: count for group_id, count in rows}

    def first_reply_seconds(self, since: datetime) -> Sequence[float]:
        """For the window's tickets that have one, seconds from creation to the first
        public reply (the newest REPLY_SAMPLE tickets)."""
        first_reply = (
            select(TicketNote.ticket_id, func.min(TicketNote.created_at).label("replied_at"))
            .where(TicketNote.tenant_id == self.tenant_id, TicketNote.private.is_(False))
            .group_by(TicketNote.ticket_id)
            .subquery()
        )
        rows = self.session.execute(
            select(Ticket.created_at, first_reply.c.replied_at)
            .join(first_reply, first_reply.c.ticket_id == Ticket.id)
            .where(Ticket.tenant_id == self.tenant_id, Ticket.created_at >= since)
            .order_by(Ticket.created_at.desc())
            .limit(REPLY_SAMPLE)
        )
        return [_seconds_between(created, replied) for created, replied in rows]


def _as_date(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _seconds_between(start: datetime, end: object) -> float:
    # A MIN() over SQLite text comes back as text, not through the column's type.
    finish = end if isinstance(end, datetime) else datetime.fromisoformat(str(end))
    if finish.tzinfo is None:
        finish = finish.replace(tzinfo=start.tzinfo)
    return max(0.0, (finish - start).total_seconds())

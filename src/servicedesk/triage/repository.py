"""Triage's queries: model records, agents' feedback (overrides, replies), the closed
tickets a model learns from."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from servicedesk.tickets.models import Ticket
from servicedesk.triage.models import TriageFeedback, TriageModelRecord


def model_record(session: Session, tenant_id: uuid.UUID, version: int) -> TriageModelRecord | None:
    found: TriageModelRecord | None = session.scalar(
        select(TriageModelRecord).where(
            TriageModelRecord.tenant_id == tenant_id, TriageModelRecord.version == version
        )
    )
    return found


def next_model_version(session: Session, tenant_id: uuid.UUID) -> int:
    latest = session.scalar(
        select(func.max(TriageModelRecord.version)).where(TriageModelRecord.tenant_id == tenant_id)
    )
    return int(latest or 0) + 1


def agent_replies(
    session: Session, tenant_id: uuid.UUID, statuses: Sequence[str], limit: int
) -> Sequence[Row[uuid.UUID, str | None, str, str, str | None]]:
    """Agents' replies that replaced a suggestion, on tickets now in `statuses`, newest
    first: (ticket id, reply, the ticket's text, subject, category)."""
    replies = session.execute(
        select(
            TriageFeedback.ticket_id,
            TriageFeedback.agent_value,
            TriageFeedback.ticket_text,
            Ticket.subject,
            Ticket.category,
        )
        .join(Ticket, Ticket.id == TriageFeedback.ticket_id)
        .where(
            TriageFeedback.tenant_id == tenant_id,
            TriageFeedback.field == "ai_suggested_response",
            TriageFeedback.agent_value.is_not(None),
            Ticket.status.in_(statuses),
        )
        .order_by(TriageFeedback.id.desc())
        .limit(limit)
    )
    return replies.all()


def new_overrides(session: Session, tenant_id: uuid.UUID) -> int:
    """Category overrides recorded after the newest feedback the tenant's latest model
    was trained through."""
    through = (
        select(TriageModelRecord.feedback_through)
        .where(TriageModelRecord.tenant_id == tenant_id)
        .order_by(TriageModelRecord.version.desc())
        .limit(1)
        .scalar_subquery()
    )
    count = session.scalar(
        select(func.count())
        .select_from(TriageFeedback)
        .where(
            TriageFeedback.tenant_id == tenant_id,
            TriageFeedback.field == "category",
            TriageFeedback.id > func.coalesce(through, 0),
        )
    )
    return int(count or 0)


def category_overrides(
    session: Session, tenant_id: uuid.UUID, *, through: int
) -> Sequence[Row[uuid.UUID, str | None, str]]:
    """Agents' category overrides up to feedback id `through`, newest first: (ticket id,
    the agent's category, the ticket's text)."""
    feedback = session.execute(
        select(TriageFeedback.ticket_id, TriageFeedback.agent_value, TriageFeedback.ticket_text)
        .where(
            TriageFeedback.id <= through,
            TriageFeedback.tenant_id == tenant_id,
            TriageFeedback.field == "category",
            TriageFeedback.agent_value.is_not(None),
        )
        .order_by(TriageFeedback.id.desc())
    )
    return feedback.all()


def closed_with_category(
    session: Session, tenant_id: uuid.UUID, statuses: Sequence[str], limit: int
) -> Sequence[Row[uuid.UUID, str, str, str | None]]:
    """The tenant's tickets in `statuses` that have a category, last changed first:
    (id, subject, description, category)."""
    closed = session.execute(
        select(Ticket.id, Ticket.subject, Ticket.description, Ticket.category)
        .where(
            Ticket.tenant_id == tenant_id,
            Ticket.status.in_(statuses),
            Ticket.category.is_not(None),
        )
        .order_by(Ticket.updated_at.desc())
        .limit(limit)
    )
    return closed.all()


def newest_feedback(session: Session, tenant_id: uuid.UUID) -> int | None:
    found: int | None = session.scalar(
        select(func.max(TriageFeedback.id)).where(TriageFeedback.tenant_id == tenant_id)
    )
    return found

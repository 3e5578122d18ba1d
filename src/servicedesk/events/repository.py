"""The events' queries: inserting event rows, reading a ticket's history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from servicedesk.db.base import table_of
from servicedesk.events.models import Event

EVENTS = table_of(Event)
# Prebuilt (Core, not the ORM's bulk path): its compiled form is reused.
_INSERT = insert(EVENTS)
# A bound on the work of one request; a ticket with more events shows its first ones.
MAX_EVENTS = 10_000


def insert_event(session: Session, row: dict[str, Any]) -> None:
    session.connection().execute(_INSERT, row)


def events_of_ticket(
    session: Session, tenant_id: uuid.UUID, ticket_id: uuid.UUID
) -> Sequence[Event]:
    """The ticket's events, oldest first, up to MAX_EVENTS."""
    result = session.scalars(
        select(Event)
        .where(Event.tenant_id == tenant_id, Event.ticket_id == ticket_id)
        .order_by(Event.seq)
        .limit(MAX_EVENTS)
    )
    return result.all()

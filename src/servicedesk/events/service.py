"""Recording events: the append-only rows that history shows and webhooks deliver.

A ticket change's events are recorded by `record_ticket_events`, the first subscriber of every
ticket change (`servicedesk.composition`), in the change's transaction, so history and
ticket cannot disagree. Other events (a webhook's test event) are recorded with `record`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from servicedesk.db.base import utcnow
from servicedesk.events import repository
from servicedesk.events.repository import EVENTS
from servicedesk.tickets.events import Publication, TicketEvent, new_event_id


def record(
    session: Session,
    *,
    tenant_id: uuid.UUID,
    event_type: str,
    actor: str,
    data: dict[str, Any],
    ticket_id: uuid.UUID | None = None,
    changes: dict[str, Any] | None = None,
    event_id: str | None = None,
    occurred_at: datetime | None = None,
) -> str:
    """Insert one event row; returns its id."""
    event_id = event_id or new_event_id()
    repository.insert_event(
        session,
        {
            "id": event_id,
            "tenant_id": tenant_id,
            "ticket_id": ticket_id,
            "type": event_type,
            "actor": actor,
            "occurred_at": occurred_at or utcnow(),
            "data": data,
            "changes": changes,
        },
    )
    return event_id


def record_ticket_events(publication: Publication, events: Sequence[TicketEvent]) -> None:
    """The subscriber that adds a change's event rows."""
    publication.rows.insert(
        EVENTS,
        [
            {
                "id": event.id,
                "tenant_id": event.tenant_id,
                "ticket_id": event.ticket_id,
                "type": event.type.value,
                "actor": event.actor,
                "occurred_at": event.occurred_at,
                "data": event.data,
                "changes": event.changes,
            }
            for event in events
        ],
    )

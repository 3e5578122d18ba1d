"""Publish a domain event: record it and hand it to everyone who must hear of it.

Called inside the transaction of the change, so the event, the change and the outbox
jobs that deliver it commit together or not at all.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.db.base import utcnow
from servicedesk.events.models import Event
from servicedesk.events.types import EventType
from servicedesk.webhooks import dispatch


def new_event_id() -> str:
    return f"evt_{secrets.token_hex(12)}"


async def publish(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    event_type: EventType,
    actor: str,
    data: dict[str, Any],
    ticket_id: uuid.UUID | None = None,
    changes: dict[str, Any] | None = None,
) -> Event:
    event = Event(
        id=new_event_id(),
        tenant_id=tenant_id,
        ticket_id=ticket_id,
        type=event_type.value,
        actor=actor,
        occurred_at=utcnow(),
        data=data,
        changes=changes,
    )
    session.add(event)
    await dispatch.enqueue_deliveries(session, event)
    return event

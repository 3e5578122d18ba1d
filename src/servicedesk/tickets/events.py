"""The domain events of tickets, and how they reach their subscribers.

Every change to a ticket is published as one or more `TicketEvent`s inside the
transaction that makes it. Subscribers (history, webhooks, the provider mirror, triage
feedback: the list is `servicedesk.composition.ticket_subscribers`) each get a change's
events together, in order, with a `Publication` (the session and the tenant's
configuration), and write what they must in the same transaction: all of a change's
rows of one kind in one statement. This package defines the events and never imports a
subscriber.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from servicedesk.db.rows import PendingRows
from servicedesk.tenant_config import TenantConfig


class TicketEventType(StrEnum):
    CREATED = "ticket.created"
    UPDATED = "ticket.updated"
    CLOSED = "ticket.closed"
    REOPENED = "ticket.reopened"
    NOTE_ADDED = "ticket.note_added"
    TRIAGED = "ticket.triaged"
    SYNC_FAILED = "ticket.sync_failed"
    ASSIGNED = "ticket.assigned"
    SLA_WARNING = "ticket.sla_warning"
    SLA_BREACHED = "ticket.sla_breached"


def new_event_id() -> str:
    return f"evt_{secrets.token_hex(12)}"


@dataclass(frozen=True, slots=True)
class TicketEvent:
    """`data` is the ticket as the API returned it at that moment (plus `note` or
    `triage` for those events); `changes` is `{field: {"old", "new"}}` of a change."""

    id: str
    type: TicketEventType
    tenant_id: uuid.UUID
    ticket_id: uuid.UUID
    actor: str
    occurred_at: datetime
    data: dict[str, Any]
    changes: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Publication:
    """What a subscriber is handed with a change's events: the tenant's configuration
    as the change saw it, the session (to read), and the rows the change will add, to
    which a subscriber adds its own: they are written together when all have been
    handed the events."""

    session: Session
    config: TenantConfig
    rows: PendingRows


Subscriber = Callable[[Publication, Sequence[TicketEvent]], None]


def publish(
    subscribers: Sequence[Subscriber], publication: Publication, events: Sequence[TicketEvent]
) -> None:
    """Hand a change's events to every subscriber, in order, inside the caller's
    transaction. The rows they add are written by the caller (`PendingRows.write`)."""
    if not events:
        return
    for subscriber in subscribers:
        subscriber(publication, events)

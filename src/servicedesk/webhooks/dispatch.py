"""Fan an event out to the tenant's subscribed endpoints: one delivery row and one outbox
job per endpoint, written in the event's own transaction.

`deliver_ticket_events` is the subscriber every ticket change reaches
(`servicedesk.composition`); the tenant's active endpoints come from its configuration
(`ACTIVE_WEBHOOKS`), which every webhook change moves.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from servicedesk.db.base import table_of, utcnow
from servicedesk.db.rows import PendingRows
from servicedesk.jobs import repository as jobs
from servicedesk.jobs.service import JobSpec
from servicedesk.tenant_config import ConfigPart
from servicedesk.tickets.events import Publication, TicketEvent
from servicedesk.webhooks.events import ALL_TICKET_EVENTS
from servicedesk.webhooks.models import WebhookDelivery
from servicedesk.webhooks.repository import DELIVERY_JOB_KIND, WebhookRepository

_DELIVERIES = table_of(WebhookDelivery)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Subscription:
    """An active endpoint as the tenant's configuration keeps it."""

    webhook_id: str
    events: frozenset[str]

    def wants(self, event_type: str) -> bool:
        if event_type in self.events:
            return True
        return event_type.startswith("ticket.") and ALL_TICKET_EVENTS in self.events


def _load_subscriptions(session: Session, tenant_id: uuid.UUID) -> tuple[Subscription, ...]:
    return tuple(
        Subscription(webhook.id, frozenset(webhook.events))
        for webhook in WebhookRepository(session, tenant_id).active()
    )


ACTIVE_WEBHOOKS: ConfigPart[tuple[Subscription, ...]] = ConfigPart("webhooks", _load_subscriptions)


@dataclass(frozen=True, slots=True)
class Wanted:
    """One event to deliver to one endpoint; jobs of one ticket at one endpoint share an
    ordering key, so that endpoint receives that ticket's events in order."""

    webhook_id: str
    event_id: str
    event_type: str
    ordering_subject: str


def deliver_ticket_events(publication: Publication, events: Sequence[TicketEvent]) -> None:
    """The subscriber: a delivery of each event to each active endpoint that wants it."""
    subscriptions = publication.config[ACTIVE_WEBHOOKS]
    wanted = [
        Wanted(subscription.webhook_id, event.id, event.type, str(event.ticket_id))
        for event in events
        for subscription in subscriptions
        if subscription.wants(event.type)
    ]
    if wanted:
        add_deliveries(publication.rows, events[0].tenant_id, wanted)


def enqueue_deliveries(
    session: Session, tenant_id: uuid.UUID, wanted: Sequence[Wanted]
) -> list[str]:
    """The deliveries, each with its job, written now; their ids."""
    rows = PendingRows()
    ids = add_deliveries(rows, tenant_id, wanted)
    rows.write(session)
    return ids


def add_deliveries(rows: PendingRows, tenant_id: uuid.UUID, wanted: Sequence[Wanted]) -> list[str]:
    """Add the deliveries, each with its job, to a change's rows; their ids."""
    now = utcnow()
    ids = [f"whd_{secrets.token_hex(12)}" for _ in wanted]
    deliveries = [
        {
            "id": delivery_id,
            "tenant_id": tenant_id,
            "webhook_id": one.webhook_id,
            "event_id": one.event_id,
            "event_type": one.event_type,
            "status": DeliveryStatus.PENDING,
            "attempt_count": 0,
            "next_retry_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for one, delivery_id in zip(wanted, ids, strict=True)
    ]
    rows.insert(_DELIVERIES, deliveries)
    jobs.enqueue_with(
        rows,
        tenant_id,
        *(
            delivery_job(one.webhook_id, delivery_id, one.ordering_subject)
            for one, delivery_id in zip(wanted, ids, strict=True)
        ),
    )
    return ids


def delivery_job(webhook_id: str, delivery_id: str, ordering_subject: str) -> JobSpec:
    """One run of a delivery. Jobs of one ticket at one endpoint share an ordering key,
    so that endpoint receives that ticket's events in order."""
    return JobSpec(
        DELIVERY_JOB_KIND,
        f"wh:{webhook_id}:{ordering_subject}",
        {"delivery_id": delivery_id},
    )

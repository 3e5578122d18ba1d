"""Fan an event out to the tenant's subscribed endpoints: one delivery row and one outbox
job per endpoint, written in the event's own transaction.

`deliver_ticket_event` is the subscriber every ticket event reaches
(`servicedesk.composition`); the tenant's active endpoints come from its configuration
(`ACTIVE_WEBHOOKS`), which every webhook change moves.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import insert
from sqlalchemy.orm import Session

from servicedesk.db.base import utcnow
from servicedesk.jobs import service as jobs
from servicedesk.jobs.service import JobSpec
from servicedesk.tenant_config import ConfigPart
from servicedesk.tickets.events import Publication, TicketEvent
from servicedesk.webhooks.events import ALL_TICKET_EVENTS
from servicedesk.webhooks.models import WebhookDelivery
from servicedesk.webhooks.repository import DELIVERY_JOB_KIND, WebhookRepository


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


def deliver_ticket_event(publication: Publication, event: TicketEvent) -> None:
    """The subscriber: a delivery of `event` to each active endpoint that wants it."""
    wanted = [
        subscription.webhook_id
        for subscription in publication.config[ACTIVE_WEBHOOKS]
        if subscription.wants(event.type)
    ]
    enqueue_deliveries(
        publication.session, event.tenant_id, wanted, event.id, event.type, str(event.ticket_id)
    )


def enqueue_deliveries(
    session: Session,
    tenant_id: uuid.UUID,
    webhook_ids: Sequence[str],
    event_id: str,
    event_type: str,
    ordering_subject: str,
) -> list[str]:
    """Deliveries of one event to these endpoints, each with its job; their ids."""
    if not webhook_ids:
        return []
    now = utcnow()
    ids = [f"whd_{secrets.token_hex(12)}" for _ in webhook_ids]
    rows = [
        {
            "id": delivery_id,
            "tenant_id": tenant_id,
            "webhook_id": webhook_id,
            "event_id": event_id,
            "event_type": event_type,
            "status": DeliveryStatus.PENDING,
            "attempt_count": 0,
            "next_retry_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for webhook_id, delivery_id in zip(webhook_ids, ids, strict=True)
    ]
    session.execute(insert(WebhookDelivery), rows)
    jobs.enqueue(
        session,
        tenant_id,
        *(
            delivery_job(webhook_id, delivery_id, ordering_subject)
            for webhook_id, delivery_id in zip(webhook_ids, ids, strict=True)
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

"""Fan an event out to the tenant's subscribed endpoints: one delivery and one outbox job
per endpoint, written in the event's own transaction."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.db.base import utcnow
from servicedesk.events.models import Event
from servicedesk.events.types import ALL_TICKET_EVENTS, EventType
from servicedesk.jobs import service as jobs
from servicedesk.webhooks import repository
from servicedesk.webhooks.models import Webhook, WebhookDelivery
from servicedesk.webhooks.repository import DELIVERY_JOB_KIND

_ACTIVE_WEBHOOKS = "servicedesk.active_webhooks"
PENDING = "pending"
SUCCEEDED = "succeeded"
FAILED = "failed"


def subscribes_to(webhook: Webhook, event_type: str) -> bool:
    if event_type in webhook.events:
        return True
    return event_type.startswith("ticket.") and ALL_TICKET_EVENTS in webhook.events


async def enqueue_deliveries(session: AsyncSession, event: Event) -> None:
    if event.type == EventType.WEBHOOK_TEST:
        return
    for webhook in await _active_webhooks(session, event.tenant_id):
        if subscribes_to(webhook, event.type):
            enqueue_delivery(session, webhook, event)


async def _active_webhooks(session: AsyncSession, tenant_id: uuid.UUID) -> Sequence[Webhook]:
    """The tenant's active webhooks, read once per session: a create publishes two
    events (created, triaged) in one transaction. Sessions live for one request or one
    job, and no request both changes webhooks and publishes ticket events."""
    key = (_ACTIVE_WEBHOOKS, tenant_id)
    if key not in session.info:
        session.info[key] = await repository.active_webhooks(session, tenant_id)
    found: Sequence[Webhook] = session.info[key]
    return found


def enqueue_delivery(session: AsyncSession, webhook: Webhook, event: Event) -> WebhookDelivery:
    now = utcnow()
    delivery = WebhookDelivery(
        id=f"whd_{secrets.token_hex(12)}",
        tenant_id=webhook.tenant_id,
        webhook_id=webhook.id,
        event_id=event.id,
        event_type=event.type,
        status=PENDING,
        attempt_count=0,
        next_retry_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(delivery)
    schedule(session, delivery, ordering_subject=str(event.ticket_id or event.id))
    return delivery


def schedule(session: AsyncSession, delivery: WebhookDelivery, *, ordering_subject: str) -> None:
    """Queue one run of the delivery. Jobs of one ticket at one endpoint share an
    ordering key, so that endpoint receives that ticket's events in order."""
    jobs.enqueue(
        session,
        tenant_id=delivery.tenant_id,
        kind=DELIVERY_JOB_KIND,
        ordering_key=f"wh:{delivery.webhook_id}:{ordering_subject}",
        payload={"delivery_id": delivery.id},
    )

"""The rules of webhook subscriptions: registration, updates, rotation, test and replay."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.config import Settings
from servicedesk.crypto import secret_box
from servicedesk.db.base import utcnow
from servicedesk.errors import (
    Conflict,
    DeliveryNotFound,
    InvalidWebhook,
    NoValidFields,
    WebhookNotFound,
)
from servicedesk.events import service as events
from servicedesk.events.models import Event
from servicedesk.events.types import ALL_TICKET_EVENTS, SUBSCRIBABLE, EventType
from servicedesk.webhooks import dispatch, repository, urls
from servicedesk.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from servicedesk.webhooks.schemas import WebhookCreate, WebhookUpdate
from servicedesk.webhooks.signing import generate_secret

ROTATION_OVERLAP = timedelta(hours=24)
VALID_EVENTS = (ALL_TICKET_EVENTS, *(event.value for event in SUBSCRIBABLE))


@dataclass(frozen=True, slots=True)
class DeliveryWithAttempts:
    delivery: WebhookDelivery
    attempts: Sequence[WebhookAttempt]


def checked_events(requested: Sequence[str]) -> list[str]:
    """The event names, de-duplicated in order; an unknown one is a 400 naming it."""
    for name in requested:
        if name not in VALID_EVENTS:
            raise InvalidWebhook(
                f"Invalid event type: {name}. Valid events: {', '.join(VALID_EVENTS)}"
            )
    return list(dict.fromkeys(requested))


async def checked_url(url: str, settings: Settings) -> str:
    try:
        return await urls.check_webhook_url(url, allow_private=settings.webhook_allow_private_urls)
    except urls.WebhookUrlRejected as rejected:
        raise InvalidWebhook(str(rejected)) from None


async def create_webhook(
    session: AsyncSession, tenant_id: uuid.UUID, data: WebhookCreate, settings: Settings
) -> tuple[Webhook, str]:
    """Register an endpoint; returns it with its secret, which is never readable again."""
    event_names = checked_events(data.events)
    url = await checked_url(data.url, settings)
    secret = generate_secret()
    now = utcnow()
    webhook = Webhook(
        id=f"wh_{secrets.token_hex(12)}",
        tenant_id=tenant_id,
        url=url,
        events=event_names,
        is_active=True,
        secret_encrypted=secret_box(settings).encrypt(secret),
        created_at=now,
        updated_at=now,
    )
    session.add(webhook)
    await session.flush()
    return webhook, secret


async def list_webhooks(session: AsyncSession, tenant_id: uuid.UUID) -> Sequence[Webhook]:
    return await repository.list_webhooks(session, tenant_id)


async def get_webhook(
    session: AsyncSession, tenant_id: uuid.UUID, webhook_id: str, *, for_update: bool = False
) -> Webhook:
    webhook = await repository.get_webhook(session, tenant_id, webhook_id, for_update=for_update)
    if webhook is None:
        raise WebhookNotFound()
    return webhook


async def update_webhook(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    webhook_id: str,
    patch: WebhookUpdate,
    settings: Settings,
) -> Webhook:
    changes = patch.changes()
    if not changes:
        raise NoValidFields()
    webhook = await get_webhook(session, tenant_id, webhook_id, for_update=True)
    if "events" in changes:
        webhook.events = checked_events(changes["events"])
    if "url" in changes:
        webhook.url = await checked_url(changes["url"], settings)
    if "is_active" in changes:
        webhook.is_active = changes["is_active"]
        if webhook.is_active:
            webhook.disabled_reason = None
            webhook.failing_since = None
    webhook.updated_at = utcnow()
    await session.flush()
    return webhook


async def delete_webhook(session: AsyncSession, tenant_id: uuid.UUID, webhook_id: str) -> None:
    webhook = await get_webhook(session, tenant_id, webhook_id, for_update=True)
    await session.delete(webhook)
    await session.flush()


async def rotate_secret(
    session: AsyncSession, tenant_id: uuid.UUID, webhook_id: str, settings: Settings
) -> tuple[Webhook, str]:
    """A new secret; the old one keeps signing beside it for ROTATION_OVERLAP."""
    webhook = await get_webhook(session, tenant_id, webhook_id, for_update=True)
    secret = generate_secret()
    now = utcnow()
    webhook.previous_secret_encrypted = webhook.secret_encrypted
    webhook.previous_secret_expires_at = now + ROTATION_OVERLAP
    webhook.secret_encrypted = secret_box(settings).encrypt(secret)
    webhook.updated_at = now
    await session.flush()
    return webhook, secret


async def send_test_event(
    session: AsyncSession, tenant_id: uuid.UUID, webhook_id: str, actor: str
) -> DeliveryWithAttempts:
    webhook = await _active_webhook(session, tenant_id, webhook_id)
    event = await events.publish(
        session,
        tenant_id=tenant_id,
        event_type=EventType.WEBHOOK_TEST,
        actor=actor,
        data={"webhook_id": webhook.id, "message": "A test event from servicedesk."},
    )
    delivery = dispatch.enqueue_delivery(session, webhook, event)
    await session.flush()
    return DeliveryWithAttempts(delivery, [])


async def list_deliveries(
    session: AsyncSession, tenant_id: uuid.UUID, webhook_id: str, *, limit: int, offset: int
) -> tuple[list[DeliveryWithAttempts], int]:
    webhook = await get_webhook(session, tenant_id, webhook_id)
    deliveries, total = await repository.list_deliveries(
        session, webhook.id, limit=limit, offset=offset
    )
    attempts = await repository.attempts_of(session, [delivery.id for delivery in deliveries])
    return [DeliveryWithAttempts(d, attempts[d.id]) for d in deliveries], total


async def retry_delivery(
    session: AsyncSession, tenant_id: uuid.UUID, webhook_id: str, delivery_id: str
) -> DeliveryWithAttempts:
    """Send a finished delivery (failed or succeeded) again, with the same event id."""
    webhook = await _active_webhook(session, tenant_id, webhook_id)
    delivery = await repository.get_delivery(session, webhook.id, delivery_id, for_update=True)
    if delivery is None:
        raise DeliveryNotFound()
    if delivery.status == dispatch.PENDING:
        raise Conflict("Delivery is already scheduled")
    ticket_id = await session.scalar(select(Event.ticket_id).where(Event.id == delivery.event_id))
    now = utcnow()
    delivery.status = dispatch.PENDING
    delivery.next_retry_at = now
    delivery.updated_at = now
    dispatch.schedule(session, delivery, ordering_subject=str(ticket_id or delivery.event_id))
    await session.flush()
    attempts = await repository.attempts_of(session, [delivery.id])
    return DeliveryWithAttempts(delivery, attempts[delivery.id])


async def _active_webhook(session: AsyncSession, tenant_id: uuid.UUID, webhook_id: str) -> Webhook:
    webhook = await get_webhook(session, tenant_id, webhook_id)
    if not webhook.is_active:
        raise Conflict("Webhook is inactive; set is_active to true first")
    return webhook

"""The rules of webhook subscriptions: registration, updates, rotation, test and replay.

A URL is checked (its host resolved, its addresses judged) before the transaction that
stores it opens; every change to the tenant's endpoints moves its configuration version,
so every process delivers the next event to the endpoints as they are now.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from servicedesk import tenant_config
from servicedesk.config import Settings
from servicedesk.crypto import secret_box
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.errors import (
    Conflict,
    DeliveryNotFound,
    InvalidWebhook,
    NoValidFields,
    WebhookNotFound,
)
from servicedesk.events import service as events
from servicedesk.jobs import repository as jobs
from servicedesk.webhooks import urls
from servicedesk.webhooks.dispatch import (
    DeliveryStatus,
    Wanted,
    delivery_job,
    enqueue_deliveries,
)
from servicedesk.webhooks.events import VALID_EVENTS, WEBHOOK_TEST
from servicedesk.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from servicedesk.webhooks.repository import DeliveryRepository, WebhookRepository
from servicedesk.webhooks.schemas import WebhookCreate, WebhookUpdate
from servicedesk.webhooks.signing import generate_secret

ROTATION_OVERLAP = timedelta(hours=24)


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
    database: Database, settings: Settings, tenant_id: uuid.UUID, data: WebhookCreate
) -> tuple[Webhook, str]:
    """Register an endpoint; returns it with its secret, which is never readable again."""
    event_names = checked_events(data.events)
    url = await checked_url(data.url, settings)
    secret = generate_secret()

    def create(session: Session) -> Webhook:
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
        WebhookRepository(session, tenant_id).add(webhook)
        tenant_config.bump(session, tenant_id)
        return webhook

    return await database.write(create, tenant_id=tenant_id), secret


async def list_webhooks(database: Database, tenant_id: uuid.UUID) -> Sequence[Webhook]:
    return await database.read(lambda session: WebhookRepository(session, tenant_id).in_order())


def _require(
    session: Session, tenant_id: uuid.UUID, webhook_id: str, *, for_update: bool = False
) -> Webhook:
    webhook = WebhookRepository(session, tenant_id).get(webhook_id, for_update=for_update)
    if webhook is None:
        raise WebhookNotFound()
    return webhook


async def get_webhook(database: Database, tenant_id: uuid.UUID, webhook_id: str) -> Webhook:
    return await database.read(lambda session: _require(session, tenant_id, webhook_id))


async def update_webhook(
    database: Database,
    settings: Settings,
    tenant_id: uuid.UUID,
    webhook_id: str,
    patch: WebhookUpdate,
) -> Webhook:
    changes: dict[str, Any] = patch.changes()
    if not changes:
        raise NoValidFields()
    if "events" in changes:
        changes["events"] = checked_events(changes["events"])
    if "url" in changes:
        changes["url"] = await checked_url(changes["url"], settings)

    def update(session: Session) -> Webhook:
        webhook = _require(session, tenant_id, webhook_id, for_update=True)
        for field, value in changes.items():
            setattr(webhook, field, value)
        if changes.get("is_active"):
            webhook.disabled_reason = None
            webhook.failing_since = None
        webhook.updated_at = utcnow()
        tenant_config.bump(session, tenant_id)
        return webhook

    return await database.write(update, tenant_id=tenant_id)


async def delete_webhook(database: Database, tenant_id: uuid.UUID, webhook_id: str) -> None:
    def delete(session: Session) -> None:
        WebhookRepository(session, tenant_id).delete(
            _require(session, tenant_id, webhook_id, for_update=True)
        )
        tenant_config.bump(session, tenant_id)

    await database.write(delete, tenant_id=tenant_id)


async def rotate_secret(
    database: Database, settings: Settings, tenant_id: uuid.UUID, webhook_id: str
) -> tuple[Webhook, str]:
    """A new secret; the old one keeps signing beside it for ROTATION_OVERLAP."""
    secret = generate_secret()

    def rotate(session: Session) -> Webhook:
        webhook = _require(session, tenant_id, webhook_id, for_update=True)
        now = utcnow()
        webhook.previous_secret_encrypted = webhook.secret_encrypted
        webhook.previous_secret_expires_at = now + ROTATION_OVERLAP
        webhook.secret_encrypted = secret_box(settings).encrypt(secret)
        webhook.updated_at = now
        return webhook

    return await database.write(rotate, tenant_id=tenant_id), secret


async def send_test_event(
    database: Database, tenant_id: uuid.UUID, webhook_id: str, actor: str
) -> DeliveryWithAttempts:
    def send(session: Session) -> DeliveryWithAttempts:
        webhook = _active(session, tenant_id, webhook_id)
        event_id = events.record(
            session,
            tenant_id=tenant_id,
            event_type=WEBHOOK_TEST,
            actor=actor,
            data={"webhook_id": webhook.id, "message": "A test event from servicedesk."},
        )
        [delivery_id] = enqueue_deliveries(
            session, tenant_id, [Wanted(webhook.id, event_id, WEBHOOK_TEST, event_id)]
        )
        delivery = DeliveryRepository(session, tenant_id).get(delivery_id)
        assert delivery is not None
        return DeliveryWithAttempts(delivery, [])

    return await database.write(send, tenant_id=tenant_id)


async def list_deliveries(
    database: Database, tenant_id: uuid.UUID, webhook_id: str, *, limit: int, offset: int
) -> tuple[list[DeliveryWithAttempts], int]:
    def read(session: Session) -> tuple[list[DeliveryWithAttempts], int]:
        webhook = _require(session, tenant_id, webhook_id)
        deliveries = DeliveryRepository(session, tenant_id)
        found, total = deliveries.page_of_webhook(webhook.id, limit=limit, offset=offset)
        attempts = deliveries.attempts_of([delivery.id for delivery in found])
        return [DeliveryWithAttempts(d, attempts[d.id]) for d in found], total

    return await database.read(read)


async def retry_delivery(
    database: Database, tenant_id: uuid.UUID, webhook_id: str, delivery_id: str
) -> DeliveryWithAttempts:
    """Send a finished delivery (failed or succeeded) again, with the same event id."""

    def retry(session: Session) -> DeliveryWithAttempts:
        webhook = _active(session, tenant_id, webhook_id)
        deliveries = DeliveryRepository(session, tenant_id)
        delivery = deliveries.of_webhook(webhook.id, delivery_id, for_update=True)
        if delivery is None:
            raise DeliveryNotFound()
        if delivery.status == DeliveryStatus.PENDING:
            raise Conflict("Delivery is already scheduled")
        ticket_id = deliveries.ticket_of_event(delivery.event_id)
        now = utcnow()
        delivery.status = DeliveryStatus.PENDING
        delivery.next_retry_at = now
        delivery.updated_at = now
        jobs.enqueue(
            session,
            tenant_id,
            delivery_job(webhook.id, delivery.id, ticket_id or delivery.event_id),
        )
        session.flush()
        return DeliveryWithAttempts(delivery, deliveries.attempts_of([delivery.id])[delivery.id])

    return await database.write(retry, tenant_id=tenant_id)


def _active(session: Session, tenant_id: uuid.UUID, webhook_id: str) -> Webhook:
    webhook = _require(session, tenant_id, webhook_id)
    if not webhook.is_active:
        raise Conflict("Webhook is inactive; set is_active to true first")
    return webhook

"""Every query of the webhooks package."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.events.models import Event
from servicedesk.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery


async def active_webhooks(session: AsyncSession, tenant_id: uuid.UUID) -> Sequence[Webhook]:
    statement = select(Webhook).where(Webhook.tenant_id == tenant_id, Webhook.is_active)
    return (await session.scalars(statement)).all()


async def list_webhooks(session: AsyncSession, tenant_id: uuid.UUID) -> Sequence[Webhook]:
    statement = (
        select(Webhook)
        .where(Webhook.tenant_id == tenant_id)
        .order_by(Webhook.created_at, Webhook.id)
    )
    return (await session.scalars(statement)).all()


async def get_webhook(
    session: AsyncSession, tenant_id: uuid.UUID, webhook_id: str, *, for_update: bool = False
) -> Webhook | None:
    statement = select(Webhook).where(Webhook.id == webhook_id, Webhook.tenant_id == tenant_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).first()


async def get_webhook_by_id(session: AsyncSession, webhook_id: str) -> Webhook | None:
    return await session.get(Webhook, webhook_id)


async def get_delivery(
    session: AsyncSession, webhook_id: str, delivery_id: str, *, for_update: bool = False
) -> WebhookDelivery | None:
    statement = select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.webhook_id == webhook_id
    )
    if for_update:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).first()


async def delivery_context(
    session: AsyncSession, delivery_id: str
) -> tuple[WebhookDelivery, Webhook, Event] | None:
    """A delivery with its webhook and event, in one round trip."""
    statement = (
        select(WebhookDelivery, Webhook, Event)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .join(Event, Event.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.id == delivery_id)
    )
    row = (await session.execute(statement)).first()
    return None if row is None else (row[0], row[1], row[2])


async def list_deliveries(
    session: AsyncSession, webhook_id: str, *, limit: int, offset: int
) -> tuple[Sequence[WebhookDelivery], int]:
    statement = (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        .limit(limit)
        .offset(offset)
    )
    deliveries = (await session.scalars(statement)).all()
    total = await session.scalar(
        select(func.count()).where(WebhookDelivery.webhook_id == webhook_id)
    )
    return deliveries, int(total or 0)


async def attempts_of(
    session: AsyncSession, delivery_ids: Sequence[str]
) -> dict[str, list[WebhookAttempt]]:
    if not delivery_ids:
        return {}
    statement = (
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_(delivery_ids))
        .order_by(WebhookAttempt.id)
    )
    grouped: dict[str, list[WebhookAttempt]] = {delivery_id: [] for delivery_id in delivery_ids}
    for attempt in (await session.scalars(statement)).all():
        grouped[attempt.delivery_id].append(attempt)
    return grouped


DELIVERY_JOB_KIND = "webhook.deliver"

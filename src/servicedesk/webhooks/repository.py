"""Every query of the webhooks package, scoped to a tenant."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from servicedesk.db.repository import TenantRepository
from servicedesk.events.models import Event
from servicedesk.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

DELIVERY_JOB_KIND = "webhook.deliver"


class WebhookRepository(TenantRepository[Webhook]):
    model = Webhook

    def active(self) -> Sequence[Webhook]:
        return self.all(self.scoped().where(Webhook.is_active))

    def in_order(self) -> Sequence[Webhook]:
        return self.all(self.scoped().order_by(Webhook.created_at, Webhook.id))


class DeliveryRepository(TenantRepository[WebhookDelivery]):
    model = WebhookDelivery

    def of_webhook(
        self, webhook_id: str, delivery_id: str, *, for_update: bool = False
    ) -> WebhookDelivery | None:
        statement = self.scoped().where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.webhook_id == webhook_id
        )
        if for_update:
            statement = statement.with_for_update()
        return self.first(statement)

    def page_of_webhook(
        self, webhook_id: str, *, limit: int, offset: int
    ) -> tuple[Sequence[WebhookDelivery], int]:
        statement = (
            self.scoped()
            .where(WebhookDelivery.webhook_id == webhook_id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        )
        return self.page(statement, limit=limit, offset=offset)

    def attempts_of(self, delivery_ids: Sequence[str]) -> dict[str, list[WebhookAttempt]]:
        if not delivery_ids:
            return {}
        statement = (
            select(WebhookAttempt)
            .join(WebhookDelivery, WebhookDelivery.id == WebhookAttempt.delivery_id)
            .where(
                WebhookDelivery.tenant_id == self.tenant_id,
                WebhookAttempt.delivery_id.in_(delivery_ids),
            )
            .order_by(WebhookAttempt.id)
        )
        grouped: dict[str, list[WebhookAttempt]] = {delivery_id: [] for delivery_id in delivery_ids}
        for attempt in self.session.scalars(statement).all():
            grouped[attempt.delivery_id].append(attempt)
        return grouped

    def ticket_of_event(self, event_id: str) -> str | None:
        ticket_id = self.session.scalar(
            select(Event.ticket_id).where(Event.id == event_id, Event.tenant_id == self.tenant_id)
        )
        return str(ticket_id) if ticket_id is not None else None

    def context(self, delivery_id: str) -> tuple[WebhookDelivery, Webhook, Event] | None:
        """A delivery with its webhook and event, in one round trip."""
        statement = (
            select(WebhookDelivery, Webhook, Event)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .join(Event, Event.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.id == delivery_id, WebhookDelivery.tenant_id == self.tenant_id)
        )
        row = self.session.execute(statement).first()
        return None if row is None else (row[0], row[1], row[2])

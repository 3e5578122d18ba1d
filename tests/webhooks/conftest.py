"""Webhook tests run with loopback receivers allowed and retries in milliseconds."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from servicedesk.config import Settings
from servicedesk.tickets.events import TicketEventType
from servicedesk.webhooks.events import SUBSCRIBABLE
from tests.fakes.webhook_receiver import WebhookReceiver

# Delivery tests follow the lifecycle a client drives; every create is also triaged, and
# `ticket.triaged` has its own test (test_delivery.py).
LIFECYCLE_EVENTS = [event.value for event in SUBSCRIBABLE if event is not TicketEventType.TRIAGED]

FAST_DELIVERY = {
    "webhook_allow_private_urls": True,
    "worker_poll_seconds": 0.05,
    "webhook_retry_base_seconds": 0.05,
    "webhook_retry_max_seconds": 0.2,
    "webhook_timeout_seconds": 2.0,
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update=FAST_DELIVERY)


async def register_webhook(
    client: httpx.AsyncClient, headers: dict[str, str], url: str, events: list[str] | None = None
) -> dict[str, Any]:
    """POST /api/v1/webhooks, expecting 201; returns the body (with the secret)."""
    response = await client.post(
        "/api/v1/webhooks", json={"url": url, "events": events or LIFECYCLE_EVENTS}, headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def subscribe(client: httpx.AsyncClient, headers: dict[str, str]) -> Any:
    """`await subscribe(receiver, events=[...])` registers the receiver and arms its
    signature checks with the secret it was given."""

    async def register(target: WebhookReceiver, events: list[str] | None = None) -> dict[str, Any]:
        body = await register_webhook(client, headers, target.url, events)
        target.secret = body["secret"]
        return body

    return register

"""A tenant's configuration changed through one process is what every other process uses
from its next request on: two `servicedesk serve` processes on one database, each
keeping the configuration it read (servicedesk.tenant_config)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from servicedesk.config import Settings
from servicedesk.db.database import Database
from tests import live_server
from tests.conftest import SEED_CREATE
from tests.fakes.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.e2e


@dataclass
class Pair:
    first: httpx.Client
    second: httpx.Client
    env: dict[str, str]


@pytest.fixture
def pair(settings: Settings, database: Database) -> Iterator[Pair]:
    env = live_server.server_env(settings, SERVICEDESK_WEBHOOK_ALLOW_PRIVATE_URLS="true")
    key = live_server.create_key(
        env, "acme", "tickets:read", "tickets:write", "config:write", "webhooks:manage"
    )
    headers = {"X-API-Key": key}
    with (
        live_server.running(env) as first,
        live_server.running(env) as second,
        httpx.Client(base_url=first.base_url, headers=headers) as one,
        httpx.Client(base_url=second.base_url, headers=headers) as other,
    ):
        yield Pair(one, other, env)


def test_a_custom_field_defined_in_one_process_is_checked_by_the_other_at_once(
    pair: Pair,
) -> None:
    body = {**SEED_CREATE, "custom_fields": {"team": "network"}}
    # The second process reads (and keeps) the tenant's configuration: no such field.
    assert pair.second.post("/api/v1/tickets", json=body).status_code == 422

    defined = pair.first.post(
        "/api/v1/custom-fields",
        json={"name": "team", "label": "Team", "type": "dropdown", "choices": ["network"]},
    )
    assert defined.status_code == 201
    created = pair.second.post("/api/v1/tickets", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["custom_fields"] == {"team": "network"}

    assert pair.first.delete(f"/api/v1/custom-fields/{defined.json()['id']}").status_code == 409
    forced = pair.first.delete(
        f"/api/v1/custom-fields/{defined.json()['id']}", params={"force": "true"}
    )
    assert forced.status_code == 204
    assert pair.second.post("/api/v1/tickets", json=body).status_code == 422


def test_a_webhook_registered_in_one_process_hears_a_change_made_in_the_other(
    pair: Pair,
) -> None:
    receiver = WebhookReceiver().start()
    try:
        ticket = pair.second.post("/api/v1/tickets", json=SEED_CREATE).json()  # warm
        registered = pair.first.post(
            "/api/v1/webhooks", json={"url": receiver.url, "events": ["ticket.updated"]}
        )
        assert registered.status_code == 201
        changed = pair.second.patch(f"/api/v1/tickets/{ticket['id']}", json={"priority": "low"})
        assert changed.status_code == 200

        [delivered] = asyncio.run(receiver.wait_for(1, within=30))
    finally:
        receiver.stop()
    assert delivered.event["type"] == "ticket.updated"
    assert delivered.event["data"]["id"] == ticket["id"]


def test_triage_settings_put_in_one_process_route_the_next_ticket_in_the_other(
    pair: Pair,
) -> None:
    first = pair.second.post("/api/v1/tickets", json=SEED_CREATE).json()
    assert first["status"] == "open"  # routing is off by default

    routed = pair.first.put(
        "/api/v1/configuration/triage", json={"auto_routing": True, "threshold": 1.0}
    )
    assert routed.status_code == 200

    second = pair.second.post("/api/v1/tickets", json=SEED_CREATE).json()
    assert second["status"] == "pending_agent"

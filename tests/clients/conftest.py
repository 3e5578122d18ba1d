"""A live `servicedesk serve` on the test's database, with a fake Zendesk and a webhook
receiver on loopback, for driving the Python client in clients/python."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from servicedesk_client import AuthenticatedClient, connect

from servicedesk.auth.scopes import Scope
from servicedesk.config import Settings
from servicedesk.db.database import Database
from tests import live_server
from tests.fakes.itsm import FakeZendesk
from tests.fakes.webhook_receiver import WebhookReceiver


@dataclass
class Live:
    base_url: str
    key: str
    env: dict[str, str]
    zendesk: FakeZendesk
    receiver: WebhookReceiver

    def client(self) -> AuthenticatedClient:
        return connect(self.base_url, self.key, timeout=30)


def live_env(settings: Settings, zendesk: FakeZendesk, **extra: str) -> dict[str, str]:
    return live_server.server_env(
        settings,
        **{
            "SERVICEDESK_RATE_LIMIT_ENABLED": "false",
            "SERVICEDESK_ZENDESK_BASE_URL": zendesk.base_url,
            "SERVICEDESK_WEBHOOK_ALLOW_PRIVATE_URLS": "true",
            "SERVICEDESK_WORKER_POLL_SECONDS": "0.05",
            "SERVICEDESK_SECRET_KEY": "client-test-secret-key",
            **extra,
        },
    )


@pytest.fixture
def live(settings: Settings, database: Database) -> Iterator[Live]:
    zendesk = FakeZendesk().start()
    receiver = WebhookReceiver().start()
    env = live_env(settings, zendesk)
    key = live_server.create_key(env, "client", *(scope.value for scope in Scope))
    try:
        with live_server.running(env) as server:
            yield Live(server.base_url, key, env, zendesk, receiver)
    finally:
        receiver.stop()
        zendesk.stop()

"""Provider tests: each runs against the fake Freshservice and the fake Zendesk (and on
both databases), with the provider's base URL pointed at the fake and retries fast."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from servicedesk.config import Settings
from tests.fakes.itsm import FakeFreshservice, FakeITSM, FakeZendesk

FAST_SYNC = {
    "worker_poll_seconds": 0.05,
    "provider_retry_base_seconds": 0.05,
    "provider_retry_max_seconds": 0.3,
    "provider_create_timeout_seconds": 1.0,
    "provider_timeout_seconds": 2.0,
}


@pytest.fixture(params=["freshservice", "zendesk"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeITSM]:
    server: FakeITSM = FakeFreshservice() if request.param == "freshservice" else FakeZendesk()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(settings: Settings, fake: FakeITSM) -> Settings:
    return settings.model_copy(update={**FAST_SYNC, f"{fake.kind}_base_url": fake.base_url})


def provider_body(fake: FakeITSM, **overrides: Any) -> dict[str, Any]:
    """The PUT /api/v1/configuration/provider body that connects to `fake`."""
    if isinstance(fake, FakeZendesk):
        body: dict[str, Any] = {
            "kind": "zendesk",
            "domain": "acme",
            "agent_email": fake.agent_email,
            "api_key": fake.api_token,
        }
    else:
        assert isinstance(fake, FakeFreshservice)
        body = {"kind": "freshservice", "domain": "acme", "api_key": fake.api_key}
    return {**body, **overrides}


@pytest.fixture
def connect(client: httpx.AsyncClient, headers: dict[str, str], fake: FakeITSM) -> Any:
    """`await connect(**overrides)` configures the tenant's provider as the fake."""

    async def put(**overrides: Any) -> dict[str, Any]:
        response = await client.put(
            "/api/v1/configuration/provider", json=provider_body(fake, **overrides), headers=headers
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    return put

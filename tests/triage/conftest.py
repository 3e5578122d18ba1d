"""Helpers of the triage tests: the tenant's triage settings, articles, and waiting for
what the worker does."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from servicedesk.config import Settings

VPN_ARTICLE = {
    "title": "VPN will not connect",
    "body": "Open the VPN client, sign out, then sign in again with your network password "
    "and the code from your authenticator app. If the VPN still does not connect, "
    "restart the laptop.",
    "category": "Network",
    "tags": ["vpn", "remote access"],
}
VPN_TICKET = {
    "subject": "VPN not connecting",
    "description": "My VPN will not connect from home since this morning.",
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A worker that polls often, and agents' replies picked up at once."""
    return settings.model_copy(
        update={"worker_poll_seconds": 0.05, "triage_knowledge_ttl_seconds": 0.0}
    )


async def eventually(check: Callable[[], Awaitable[bool]], what: str, within: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def put_triage(
    client: httpx.AsyncClient, headers: dict[str, str], **body: Any
) -> dict[str, Any]:
    response = await client.put("/api/v1/configuration/triage", json=body, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def add_article(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/kb/articles", json={**VPN_ARTICLE, **overrides}, headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def history(
    client: httpx.AsyncClient, headers: dict[str, str], ticket_id: str
) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/tickets/{ticket_id}/history", headers=headers)
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def triaged_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [event for event in events if event["type"] == "ticket.triaged"]

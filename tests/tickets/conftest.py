"""Helpers for the ticket tests."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

SEED_CREATE = {
    "subject": "VPN not connecting",
    "description": "Unable to connect to corporate VPN since this morning.",
    "priority": "high",
    "requester_email": "alex@example.com",
    "metadata": {"category": "Network"},
}


@pytest.fixture
def create_ticket(client: httpx.AsyncClient, headers: dict[str, str]) -> Any:
    async def create(**overrides: Any) -> dict[str, Any]:
        body = {**SEED_CREATE, **overrides}
        response = await client.post("/api/v1/tickets", json=body, headers=headers)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    return create

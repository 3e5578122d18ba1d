"""GET /api/v1/tickets/{id}."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import KeyFactory, new_uuid


async def test_unknown_ticket_is_404(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.get(f"/api/v1/tickets/{new_uuid()}", headers=headers)

    assert response.status_code == 404
    assert response.json() == {"detail": "Ticket not found"}


async def test_non_uuid_id_is_422(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.get("/api/v1/tickets/1042", headers=headers)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "ticket_id"]


async def test_ticket_of_another_tenant_is_404(
    client: httpx.AsyncClient, create_ticket: Any, make_key: KeyFactory
) -> None:
    ticket = await create_ticket()
    other = await make_key(tenant="globex")

    response = await client.get(f"/api/v1/tickets/{ticket['id']}", headers={"X-API-Key": other})

    assert response.status_code == 404
    assert response.json() == {"detail": "Ticket not found"}

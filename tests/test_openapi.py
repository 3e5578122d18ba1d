"""The published OpenAPI: the key header, the seed's examples and every error body."""

from __future__ import annotations

from typing import Any

import httpx
import pytest


@pytest.fixture
async def spec(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


async def test_docs_page_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")

    assert response.status_code == 200
    assert "swagger" in response.text.lower()


async def test_api_key_header_is_a_security_scheme(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]

    assert {"type": "apiKey", "in": "header", "name": "X-API-Key"}.items() <= next(
        iter(schemes.values())
    ).items()
    for path, operations in spec["paths"].items():
        if path.startswith("/api/"):
            for operation in operations.values():
                assert operation.get("security"), f"{path} lacks the key header"


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/api/v1/tickets", "post", {"201", "400", "401", "403", "409", "413", "415", "422"}),
        ("/api/v1/tickets", "get", {"200", "401", "403", "422"}),
        ("/api/v1/tickets/{ticket_id}", "get", {"200", "401", "403", "404", "422"}),
        ("/api/v1/tickets/{ticket_id}", "patch", {"200", "400", "401", "403", "404", "415", "422"}),
    ],
)
async def test_every_error_status_is_documented(
    spec: dict[str, Any], path: str, method: str, statuses: set[str]
) -> None:
    assert statuses <= set(spec["paths"][path][method]["responses"])


async def test_documented_error_examples_match_the_contract(spec: dict[str, Any]) -> None:
    responses = spec["paths"]["/api/v1/tickets/{ticket_id}"]["patch"]["responses"]

    def example(status: str) -> Any:
        return responses[status]["content"]["application/json"]["example"]

    assert example("404") == {"detail": "Ticket not found"}
    assert example("400") == {
        "detail": "No valid fields to update",
        "error": "No valid fields to update",
    }
    assert example("401") == {"error": "unauthorized", "message": "Invalid or missing API key"}
    assert example("403")["error"] == "forbidden"


async def test_seed_examples_are_published(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]

    assert schemas["TicketCreate"]["examples"][0]["subject"] == "VPN not connecting"
    assert schemas["TicketOut"]["examples"][0]["external_provider"] == "freshservice"

"""Liveness, readiness, and error bodies of the framework's own routes."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_when_the_database_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_readyz_is_503_when_the_database_is_gone(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    async def unreachable() -> None:
        raise ConnectionRefusedError("database down")

    app.state.database.ping = unreachable

    response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "detail": "database unreachable"}


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    echoed = await client.get("/healthz", headers={"X-Request-ID": "req-123"})
    generated = await client.get("/healthz")

    assert echoed.headers["X-Request-ID"] == "req-123"
    assert len(generated.headers["X-Request-ID"]) == 32


async def test_unknown_route_and_method_are_json(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    missing = await client.get("/api/v1/nothing", headers=headers)
    wrong_method = await client.delete("/api/v1/tickets", headers=headers)

    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not Found"}
    assert wrong_method.status_code == 405
    assert wrong_method.json() == {"detail": "Method Not Allowed"}


async def test_an_unexpected_error_is_a_bare_500(
    client: httpx.AsyncClient, app: FastAPI, headers: dict[str, str]
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("SELECT secret FROM somewhere")

    from servicedesk.tickets.service import TicketService

    original = TicketService.list_page
    TicketService.list_page = broken  # type: ignore[assignment]
    try:
        # The app answers and does not re-raise (the transport would raise it): an
        # exception that leaves the app makes uvicorn close the keep-alive connection.
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=True)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as raw:
            response = await raw.get("/api/v1/tickets", headers=headers)
    finally:
        TicketService.list_page = original  # type: ignore[method-assign]

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}
    assert "SELECT" not in response.text
    assert "Traceback" not in response.text


async def test_a_request_past_its_time_limit_is_503_and_writes_nothing(
    client_with: Any, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from servicedesk.triage.step import TriageStep

    original = TriageStep.__call__

    async def slow_triage(self: TriageStep, *args: Any) -> Any:
        await asyncio.sleep(5)
        return await original(self, *args)

    monkeypatch.setattr(TriageStep, "__call__", slow_triage)
    async with client_with(request_timeout_seconds=0.2) as client:
        response = await client.post(
            "/api/v1/tickets", json={"subject": "s", "description": "d"}, headers=headers
        )
    monkeypatch.setattr(TriageStep, "__call__", original)
    async with client_with() as client:
        total = (await client.get("/api/v1/tickets", headers=headers)).json()["total"]

    assert response.status_code == 503
    assert response.json() == {"detail": "Request timed out"}
    assert total == 0


async def test_a_request_whose_write_committed_is_never_answered_503(
    client_with: Any, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from servicedesk.tickets.service import TicketService

    original = TicketService._store_new

    def slow_store(self: TicketService, *args: Any) -> Any:
        stored = original(self, *args)
        time.sleep(1.6)  # the transaction is still open past the deadline, then commits
        return stored

    monkeypatch.setattr(TicketService, "_store_new", slow_store)
    # The limit leaves the steps before the write time even on a loaded machine.
    async with client_with(request_timeout_seconds=1.0) as client:
        response = await client.post(
            "/api/v1/tickets", json={"subject": "s", "description": "d"}, headers=headers
        )
    monkeypatch.setattr(TicketService, "_store_new", original)
    async with client_with() as client:
        listed = (await client.get("/api/v1/tickets", headers=headers)).json()

    assert listed["total"] == 1
    assert response.status_code == 201
    assert response.json()["id"] == listed["tickets"][0]["id"]

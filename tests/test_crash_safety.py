"""Crash safety: SIGKILL the server under load; every acknowledged ticket survives, and
retried Idempotency-Keys replay instead of duplicating."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from servicedesk.config import Settings
from servicedesk.db.database import Database
from tests import live_server

pytestmark = pytest.mark.e2e

CLIENTS = 8
KILL_AFTER = 60


@dataclass
class Load:
    attempted: set[str] = field(default_factory=set)
    acknowledged: dict[str, dict[str, Any]] = field(default_factory=dict)
    enough: asyncio.Event = field(default_factory=asyncio.Event)


def body_for(key: str) -> dict[str, Any]:
    return {"subject": f"crash {key}", "description": "load", "metadata": {"key": key}}


async def create_until_failure(base_url: str, api_key: str, client_no: int, load: Load) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        for i in range(10_000):
            key = f"crash-{client_no}-{i}"
            load.attempted.add(key)
            try:
                response = await http.post(
                    "/api/v1/tickets",
                    json=body_for(key),
                    headers={"X-API-Key": api_key, "Idempotency-Key": key},
                )
            except httpx.TransportError:
                return
            assert response.status_code == 201, response.text
            load.acknowledged[key] = response.json()
            if len(load.acknowledged) >= KILL_AFTER:
                load.enough.set()


async def load_then_kill(server: live_server.LiveServer, api_key: str) -> Load:
    load = Load()
    clients = [
        asyncio.create_task(create_until_failure(server.base_url, api_key, n, load))
        for n in range(CLIENTS)
    ]
    await asyncio.wait_for(load.enough.wait(), timeout=60)
    live_server.stop(server, kill=True)
    await asyncio.gather(*clients)
    return load


async def retry_create(
    http: httpx.AsyncClient, key: str, headers: dict[str, str]
) -> httpx.Response:
    """A client's retry: a key the killed server held stays "in progress" (409 with
    Retry-After) until its claim's lease runs out; then the retry takes it over."""
    for _ in range(10):
        response = await http.post(
            "/api/v1/tickets", json=body_for(key), headers={**headers, "Idempotency-Key": key}
        )
        if response.status_code != 409:
            return response
        assert response.json() == {
            "detail": "A request with this Idempotency-Key is still in progress; retry shortly"
        }
        await asyncio.sleep(int(response.headers["Retry-After"]))
    return response


async def verify_after_restart(base_url: str, api_key: str, load: Load) -> None:
    headers = {"X-API-Key": api_key}
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        for ticket in load.acknowledged.values():
            stored = await http.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)
            assert stored.status_code == 200
            assert stored.json() == ticket

        for key in sorted(load.attempted):
            retried = await retry_create(http, key, headers)
            assert retried.status_code == 201
            if key in load.acknowledged:
                assert retried.json() == load.acknowledged[key]
                assert retried.headers["Idempotent-Replayed"] == "true"

        listed = (await http.get("/api/v1/tickets", headers=headers)).json()
    assert listed["total"] == len(load.attempted), "a retried key created a duplicate"


def test_killed_server_loses_no_acknowledged_ticket(settings: Settings, database: Database) -> None:
    # The product's own turn limit: a killed server's idempotency claims last as long
    # as it allows a write to wait, and the retries below wait them out.
    env = live_server.server_env(
        settings,
        SERVICEDESK_RATE_LIMIT_ENABLED="false",
        SERVICEDESK_WRITE_QUEUE_TIMEOUT_SECONDS=str(
            Settings.model_fields["write_queue_timeout_seconds"].default
        ),
    )
    api_key = live_server.create_key(env, "crash", "tickets:read", "tickets:write")
    server = live_server.start(env)

    load = asyncio.run(load_then_kill(server, api_key))

    assert len(load.acknowledged) >= KILL_AFTER
    with live_server.running(env) as restarted:
        asyncio.run(verify_after_restart(restarted.base_url, api_key, load))

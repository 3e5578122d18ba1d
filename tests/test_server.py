"""End to end: `servicedesk serve` with two worker processes, driven over real HTTP.

Walks the seed's curl examples and races identical creates across both workers.
"""

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

pytestmark = pytest.mark.e2e


@dataclass
class Server:
    base_url: str
    key: str


@pytest.fixture
def server(settings: Settings, database: Database) -> Iterator[Server]:
    env = live_server.server_env(settings)
    key = live_server.create_key(env, "e2e", "tickets:read", "tickets:write")
    with live_server.running(env, workers=2) as running:
        yield Server(running.base_url, key)


def test_seed_curl_examples_work_against_the_real_server(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, headers={"X-API-Key": server.key}) as http:
        created = http.post(
            "/api/v1/tickets", json=SEED_CREATE, headers={"Idempotency-Key": "idem_xxxx"}
        )
        assert created.status_code == 201
        ticket = created.json()

        replay = http.post(
            "/api/v1/tickets", json=SEED_CREATE, headers={"Idempotency-Key": "idem_xxxx"}
        )
        assert replay.json() == ticket
        mismatch = http.post(
            "/api/v1/tickets",
            json={**SEED_CREATE, "priority": "low"},
            headers={"Idempotency-Key": "idem_xxxx"},
        )
        assert mismatch.status_code == 409
        assert mismatch.json() == {"detail": "Idempotency key reused with a different payload"}

        assert http.post("/api/v1/tickets", json={"subject": "x"}).status_code == 422
        assert (
            http.post("/api/v1/tickets", json={**SEED_CREATE, "subject": "x" * 256}).status_code
            == 422
        )

        assert http.get(f"/api/v1/tickets/{ticket['id']}").json() == ticket
        assert http.get("/api/v1/tickets/not-a-uuid").status_code == 422
        missing = http.get("/api/v1/tickets/5c2e8f1a-3d4b-4e6f-9a1c-7b2d8e0f5a3c")
        assert missing.status_code == 404
        assert missing.json() == {"detail": "Ticket not found"}

        listed = http.get("/api/v1/tickets", params={"status": "open", "limit": 10, "offset": 0})
        assert listed.status_code == 200
        assert listed.json()["tickets"] == [ticket]
        assert (listed.json()["total"], listed.json()["limit"], listed.json()["offset"]) == (
            1,
            10,
            0,
        )

        patched = http.patch(
            f"/api/v1/tickets/{ticket['id']}", json={"status": "pending", "priority": "medium"}
        )
        assert patched.status_code == 200
        assert (patched.json()["status"], patched.json()["priority"]) == ("pending", "medium")
        closed = http.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "closed"})
        assert closed.json()["status"] == "closed"
        reopened = http.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "open"})
        assert reopened.json()["status"] == "open"

        assert http.get("/api/v1/tickets", headers={"X-API-Key": "wrong"}).json() == {
            "error": "unauthorized",
            "message": "Invalid or missing API key",
        }


async def _race(server: Server, count: int) -> list[httpx.Response]:
    headers = {"X-API-Key": server.key, "Idempotency-Key": "cross-worker-race"}

    async def one() -> httpx.Response:
        # A client each: separate connections, so both worker processes take requests.
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            return await http.post("/api/v1/tickets", json=SEED_CREATE, headers=headers)

    return await asyncio.gather(*(one() for _ in range(count)))


def test_concurrent_identical_creates_across_workers_make_one_ticket(server: Server) -> None:
    responses = asyncio.run(_race(server, 24))

    assert [r.status_code for r in responses] == [201] * 24
    assert len({r.json()["id"] for r in responses}) == 1
    listed = httpx.get(
        f"{server.base_url}/api/v1/tickets", headers={"X-API-Key": server.key}
    ).json()
    assert listed["total"] == 1

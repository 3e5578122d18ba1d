"""SLA timers across a worker's death: a real server (its worker embedded) on loopback
sends the warning to a real webhook receiver, is SIGKILLed before the breach is due,
and the breach is sent once after it is started again; neither event fires twice."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from servicedesk.config import Settings
from servicedesk.db.database import Database
from tests import live_server
from tests.fakes.webhook_receiver import WebhookReceiver, verify_standard
from tests.sla.conftest import move_back

pytestmark = pytest.mark.e2e

SLA_EVENTS = ["ticket.sla_warning", "ticket.sla_breached"]
# The first response is due this long after the PATCH that moves the ticket back.
BREACH_IN = timedelta(seconds=6)
TARGET = timedelta(minutes=10)


def _env(settings: Settings) -> dict[str, str]:
    return live_server.server_env(
        settings,
        SERVICEDESK_RATE_LIMIT_ENABLED="false",
        SERVICEDESK_WEBHOOK_ALLOW_PRIVATE_URLS="true",
        SERVICEDESK_WORKER_POLL_SECONDS="0.05",
        SERVICEDESK_WORKER_LEASE_SECONDS="2",
        SERVICEDESK_SECRET_KEY="sla-timer-test-secret-key",
    )


def _moved_back(env: dict[str, str], ticket_id: str, by: timedelta) -> None:
    async def move() -> None:
        database = Database(live_server.settings_of(env))
        try:
            await move_back(database, ticket_id, by)
        finally:
            await database.dispose()

    asyncio.run(move())


def test_warning_and_breach_arrive_once_across_a_killed_worker(
    settings: Settings, database: Database
) -> None:
    receiver = WebhookReceiver().start()
    env = _env(settings)
    scopes = ("tickets:read", "tickets:write", "webhooks:manage", "config:write")
    headers = {"X-API-Key": live_server.create_key(env, "sla-timers", *scopes)}
    server = live_server.start(env)
    try:
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as http:
            hook = http.post("/api/v1/webhooks", json={"url": receiver.url, "events": SLA_EVENTS})
            assert hook.status_code == 201, hook.text
            receiver.secret = hook.json()["secret"]
            policy = {
                "name": "Urgent",
                "targets": {"urgent": {"first_response_minutes": 10}},
                "warn_at": 0.5,
            }
            assert http.post("/api/v1/sla/policies", json=policy).status_code == 201
            ticket = http.post(
                "/api/v1/tickets",
                json={
                    "subject": "Mail down",
                    "description": "Nothing arrives",
                    "priority": "urgent",
                },
            ).json()
            url = f"/api/v1/tickets/{ticket['id']}"
            # As if raised nearly ten minutes ago: the warning (at five) is due, the breach
            # comes BREACH_IN after this change, which moves the ticket's timers.
            _moved_back(env, ticket["id"], TARGET - BREACH_IN)
            moved = http.patch(url, json={"metadata": {"escalated": True}}).json()
        breach_at = datetime.fromisoformat(moved["sla"]["first_response_due_at"])
        asyncio.run(receiver.wait_for(1, within=20))
    finally:
        live_server.stop(server, kill=True)

    wait = (breach_at - datetime.now(UTC)).total_seconds() + 1.0
    time.sleep(max(wait, 0))
    before_restart = {r.event["type"] for r in receiver.requests if r.answered == 204}
    assert before_restart == {"ticket.sla_warning"}, "the breach fired with no worker running"

    with live_server.running(env) as restarted:
        asyncio.run(_wait_for_type(receiver, "ticket.sla_breached"))
        time.sleep(1.0)  # anything sent twice would come now
        with httpx.Client(base_url=restarted.base_url, headers=headers, timeout=10) as http:
            history = http.get(f"{url}/history").json()["events"]
            final = http.get(url).json()
    receiver.stop()

    accepted = [r for r in receiver.requests if r.answered == 204]
    for request in accepted:
        verify_standard(receiver.secret or "", request)
    distinct = {request.event["id"]: request.event["type"] for request in accepted}
    assert sorted(Counter(distinct.values()).items()) == [
        ("ticket.sla_breached", 1),
        ("ticket.sla_warning", 1),
    ]
    assert [e["type"] for e in history if e["type"].startswith("ticket.sla_")] == SLA_EVENTS
    assert final["sla"]["breached"] == ["first_response"]


async def _wait_for_type(receiver: WebhookReceiver, event_type: str, within: float = 30) -> None:
    deadline = time.monotonic() + within
    while not any(r.event["type"] == event_type for r in receiver.requests if r.answered == 204):
        assert time.monotonic() < deadline, f"no {event_type} within {within} s"
        await asyncio.sleep(0.05)

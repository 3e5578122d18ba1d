"""Workers as real processes: SIGKILLed mid-delivery, every event still arrives, in order
per ticket, duplicates keeping their `webhook-id`; two `servicedesk worker` processes
share one outbox without sending anything twice."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections import defaultdict

import httpx
import pytest

from servicedesk.config import Settings
from servicedesk.db.database import Database
from tests import live_server
from tests.fakes.webhook_receiver import Received, WebhookReceiver, verify_standard
from tests.webhooks.conftest import LIFECYCLE_EVENTS

pytestmark = pytest.mark.e2e

TICKETS = 20
IN_FLIGHT_AT_KILL = 8


def _env(settings: Settings) -> dict[str, str]:
    return live_server.server_env(
        settings,
        SERVICEDESK_RATE_LIMIT_ENABLED="false",
        SERVICEDESK_WEBHOOK_ALLOW_PRIVATE_URLS="true",
        SERVICEDESK_WORKER_POLL_SECONDS="0.05",
        SERVICEDESK_WORKER_LEASE_SECONDS="2",
        SERVICEDESK_WEBHOOK_RETRY_BASE_SECONDS="0.05",
        SERVICEDESK_WEBHOOK_RETRY_MAX_SECONDS="0.3",
        SERVICEDESK_SECRET_KEY="crash-test-secret-key",
    )


def _load(base_url: str, api_key: str, receiver: WebhookReceiver) -> list[str]:
    headers = {"X-API-Key": api_key}
    with httpx.Client(base_url=base_url, headers=headers, timeout=10) as http:
        hook = http.post("/api/v1/webhooks", json={"url": receiver.url, "events": LIFECYCLE_EVENTS})
        assert hook.status_code == 201, hook.text
        receiver.secret = hook.json()["secret"]
        ticket_ids = []
        for n in range(TICKETS):
            ticket = http.post(
                "/api/v1/tickets", json={"subject": f"crash {n}", "description": "webhooks"}
            ).json()
            ticket_ids.append(ticket["id"])
            http.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "pending"})
    return ticket_ids


def _wait_for_arrivals(receiver: WebhookReceiver, count: int) -> None:
    deadline = time.monotonic() + 30
    while receiver.arrivals < count:
        assert time.monotonic() < deadline, "the worker never started delivering"
        time.sleep(0.01)


def test_killed_worker_loses_no_event_and_keeps_order(
    settings: Settings, database: Database
) -> None:
    gate = threading.Event()
    receiver = WebhookReceiver(fail_first=4, gate=gate).start()
    env = _env(settings)
    api_key = live_server.create_key(env, "crash", "tickets:write", "webhooks:manage")
    server = live_server.start(env)
    try:
        ticket_ids = _load(server.base_url, api_key, receiver)
        _wait_for_arrivals(receiver, IN_FLIGHT_AT_KILL)
    finally:
        live_server.stop(server, kill=True)
    # The requests in flight when the worker died are accepted now, unknown to it: the
    # restarted worker must send them again, with the same ids.
    gate.set()
    in_flight = _wait_until_answered(receiver, IN_FLIGHT_AT_KILL)

    with live_server.running(env):
        received = asyncio.run(receiver.wait_for(2 * TICKETS, within=60))
    receiver.stop()

    for request in received:
        verify_standard(receiver.secret or "", request)
    _assert_same_id_for_duplicates(received)
    accepted_in_flight = {r.webhook_id for r in in_flight if r.answered == 204}
    copies = [r.webhook_id for r in received]
    assert accepted_in_flight, "no delivery was cut off by the kill"
    assert all(copies.count(webhook_id) >= 2 for webhook_id in accepted_in_flight)
    first_copies = _first_copies(received)
    order: dict[str, list[str]] = defaultdict(list)
    for request in first_copies:
        order[request.event["data"]["id"]].append(request.event["type"])
    assert order == {ticket: ["ticket.created", "ticket.updated"] for ticket in ticket_ids}


def _wait_until_answered(receiver: WebhookReceiver, count: int) -> list[Received]:
    deadline = time.monotonic() + 10
    while len(receiver.requests) < count:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    return list(receiver.requests)


def _first_copies(received: list[Received]) -> list[Received]:
    seen: set[str] = set()
    firsts = []
    for request in received:
        if request.webhook_id not in seen:
            seen.add(request.webhook_id)
            firsts.append(request)
    return firsts


def _assert_same_id_for_duplicates(received: list[Received]) -> None:
    ids_by_event: dict[str, set[str]] = defaultdict(set)
    for request in received:
        ids_by_event[request.event["id"]].add(request.webhook_id)
    assert all(ids == {event_id} for event_id, ids in ids_by_event.items())


def test_two_worker_processes_send_each_event_once(settings: Settings, database: Database) -> None:
    receiver = WebhookReceiver(delay=0.01).start()
    # No worker dies here, so the lease can be as long as in production: a short one
    # would let a job whose finish waits on a busy SQLite lock be claimed again.
    env = {
        **_env(settings),
        "SERVICEDESK_WORKER_EMBEDDED": "false",
        "SERVICEDESK_WORKER_LEASE_SECONDS": "60",
    }
    api_key = live_server.create_key(env, "pair", "tickets:write", "webhooks:manage")
    with live_server.running(env) as server:
        ticket_ids = _load(server.base_url, api_key, receiver)
        time.sleep(0.3)
        assert receiver.requests == [], "the server delivered with its worker switched off"
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "servicedesk", "worker"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(2)
        ]
        try:
            received = asyncio.run(receiver.wait_for(2 * TICKETS, within=60))
            time.sleep(0.5)
        finally:
            for worker in workers:
                worker.terminate()
                assert worker.wait(timeout=15) == 0
    receiver.stop()
    assert len(receiver.requests) == 2 * TICKETS == len(received)
    assert len({r.webhook_id for r in received}) == 2 * TICKETS
    order: dict[str, list[str]] = defaultdict(list)
    for request in received:
        order[request.event["data"]["id"]].append(request.event["type"])
    assert order == {ticket: ["ticket.created", "ticket.updated"] for ticket in ticket_ids}

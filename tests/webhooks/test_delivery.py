"""Deliveries: signed (checked by the standardwebhooks package), at least once, in order."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from servicedesk.webhooks import urls
from servicedesk.webhooks.signing import generate_secret
from tests.conftest import SEED_CREATE, ClientFactory, Drain, KeyFactory
from tests.fakes.webhook_receiver import Received, WebhookReceiver, verify_hex, verify_standard
from tests.webhooks.conftest import register_webhook


def _types_by_ticket(received: list[Received]) -> dict[str, list[str]]:
    """Each ticket's event types in the order their first copy arrived."""
    seen: set[str] = set()
    order: dict[str, list[str]] = defaultdict(list)
    for request in received:
        if request.webhook_id in seen:
            continue
        seen.add(request.webhook_id)
        event = request.event
        order[event["data"]["id"]].append(event["type"])
    return dict(order)


async def _deliveries(
    client: httpx.AsyncClient, headers: dict[str, str], webhook_id: str
) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/webhooks/{webhook_id}/deliveries", headers=headers)
    assert response.status_code == 200
    deliveries: list[dict[str, Any]] = response.json()["deliveries"]
    return deliveries


async def _deliveries_once(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    webhook_id: str,
    ready: Callable[[dict[str, Any]], bool],
    within: float = 10,
) -> list[dict[str, Any]]:
    """The deliveries once there are some and `ready` holds for each (or time is up)."""
    deadline = time.monotonic() + within
    while True:
        deliveries = await _deliveries(client, headers, webhook_id)
        if (deliveries and all(ready(d) for d in deliveries)) or time.monotonic() > deadline:
            return deliveries
        await asyncio.sleep(0.05)


async def _settle(
    client: httpx.AsyncClient, headers: dict[str, str], webhook_id: str
) -> list[dict[str, Any]]:
    """The deliveries once none is pending."""
    return await _deliveries_once(client, headers, webhook_id, lambda d: d["status"] != "pending")


async def _attempted(
    client: httpx.AsyncClient, headers: dict[str, str], webhook_id: str
) -> list[dict[str, Any]]:
    """The deliveries once every one has at least one attempt recorded."""
    return await _deliveries_once(client, headers, webhook_id, lambda d: bool(d["attempts"]))


async def test_ticket_lifecycle_is_delivered_signed_with_full_payloads(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    subscribe: Any,
    receiver: WebhookReceiver,
    create_ticket: Any,
) -> None:
    hook = await subscribe(receiver)
    ticket = await create_ticket()
    path = f"/api/v1/tickets/{ticket['id']}"
    await client.patch(path, json={"priority": "low"}, headers=headers)
    await client.patch(path, json={"status": "closed"}, headers=headers)
    latest = (await client.patch(path, json={"status": "open"}, headers=headers)).json()

    received = await receiver.wait_for(6)
    assert all(r.answered == 204 for r in received)
    events = [verify_standard(hook["secret"], r) for r in received]
    assert all(verify_hex(hook["secret"], r) for r in received)
    assert [e["type"] for e in events] == [
        "ticket.created",
        "ticket.updated",
        "ticket.updated",
        "ticket.closed",
        "ticket.updated",
        "ticket.reopened",
    ]
    created, updated = events[0], events[1]
    assert set(created) == {"id", "type", "timestamp", "data"}
    assert created["data"] == ticket
    assert created["id"] == received[0].webhook_id
    assert created["id"].startswith("evt_")
    assert created["timestamp"].endswith("Z")
    assert updated["changes"] == {"priority": {"old": "high", "new": "low"}}
    assert events[3]["changes"] == {"status": {"old": "open", "new": "closed"}}
    assert events[-1]["data"] == latest
    assert received[0].headers["content-type"] == "application/json"
    assert received[0].headers["x-servicedesk-event"] == "ticket.created"


async def test_a_patch_that_changes_nothing_sends_nothing(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    subscribe: Any,
    receiver: WebhookReceiver,
    create_ticket: Any,
) -> None:
    hook = await subscribe(receiver)
    ticket = await create_ticket()
    path = f"/api/v1/tickets/{ticket['id']}"
    await client.patch(path, json={"priority": ticket["priority"]}, headers=headers)
    await client.patch(path, json={"metadata": {"category": "Network"}}, headers=headers)
    await receiver.wait_for(1)
    deliveries = await _settle(client, headers, hook["id"])
    assert [d["event_type"] for d in deliveries] == ["ticket.created"]


async def test_receivers_reject_a_wrong_secret_and_a_replayed_timestamp(
    subscribe: Any, receiver: WebhookReceiver, create_ticket: Any
) -> None:
    hook = await subscribe(receiver)
    await create_ticket()
    (request,) = await receiver.wait_for(1)
    wrong = generate_secret()
    with pytest.raises(WebhookVerificationError):
        verify_standard(wrong, request)
    assert not verify_hex(wrong, request)
    old = str(int(time.time()) - 600)
    replayed = Received({**request.headers, "webhook-timestamp": old}, request.body, 0)
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify_standard(hook["secret"], replayed)
    # Signed again for the old timestamp, it is still refused: the window, not the MAC.
    signer = StandardWebhook(hook["secret"])
    resigned = signer.sign(request.webhook_id, datetime.fromtimestamp(int(old), UTC), "x")
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(hook["secret"]).verify(
            "x",
            {
                "webhook-id": request.webhook_id,
                "webhook-timestamp": old,
                "webhook-signature": resigned,
            },
        )


async def test_only_subscribed_types_and_own_tenant_events_arrive(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_key: KeyFactory,
    subscribe: Any,
    receiver: WebhookReceiver,
    create_ticket: Any,
) -> None:
    hook = await subscribe(receiver, events=["ticket.closed"])
    other_tenant = {"X-API-Key": await make_key(tenant="other")}
    foreign = await client.post("/api/v1/tickets", json=SEED_CREATE, headers=other_tenant)
    await client.patch(
        f"/api/v1/tickets/{foreign.json()['id']}", json={"status": "closed"}, headers=other_tenant
    )
    ticket = await create_ticket()
    await client.patch(
        f"/api/v1/tickets/{ticket['id']}", json={"status": "closed"}, headers=headers
    )
    (request,) = await receiver.wait_for(1)
    await _settle(client, headers, hook["id"])
    assert request.event["type"] == "ticket.closed"
    assert request.event["data"]["id"] == ticket["id"]
    assert len(receiver.requests) == 1


async def test_failing_receiver_gets_every_event_in_order_per_ticket(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    subscribe: Any,
    receiver: WebhookReceiver,
    create_ticket: Any,
) -> None:
    hook = await subscribe(receiver)
    receiver.fail_first = 7
    tickets = [await create_ticket(subject=f"ticket {n}") for n in range(4)]
    for ticket in tickets:
        for priority in ("low", "medium", "urgent"):
            await client.patch(
                f"/api/v1/tickets/{ticket['id']}", json={"priority": priority}, headers=headers
            )
    received = await receiver.wait_for(16)
    assert _types_by_ticket(received) == {
        t["id"]: ["ticket.created", "ticket.updated", "ticket.updated", "ticket.updated"]
        for t in tickets
    }
    priorities = defaultdict(list)
    for request in received:
        event = request.event
        if event["type"] == "ticket.updated":
            priorities[event["data"]["id"]].append(event["data"]["priority"])
    assert all(p == ["low", "medium", "urgent"] for p in priorities.values())
    # The failed calls were retried with the same event id.
    failed_ids = {r.webhook_id for r in receiver.requests if r.answered == 500}
    assert failed_ids <= {r.webhook_id for r in received}
    deliveries = await _settle(client, headers, hook["id"])
    assert {d["status"] for d in deliveries} == {"succeeded"}
    retried = [d for d in deliveries if d["attempt_count"] > 1]
    assert retried
    first_attempt = retried[0]["attempts"][0]
    assert first_attempt["status_code"] == 500
    assert first_attempt["error"].startswith("HTTP 500")
    assert first_attempt["latency_ms"] >= 0
    assert retried[0]["attempts"][-1]["status_code"] == 204


async def test_receiver_down_for_a_while_gets_everything_after(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    subscribe: Any,
    receiver: WebhookReceiver,
    create_ticket: Any,
) -> None:
    hook = await subscribe(receiver)
    port = receiver.port
    receiver.stop()
    tickets = [await create_ticket(subject=f"outage {n}") for n in range(5)]
    for ticket in tickets:
        await client.patch(
            f"/api/v1/tickets/{ticket['id']}", json={"status": "pending"}, headers=headers
        )
    deliveries = await _attempted(client, headers, hook["id"])
    assert len(deliveries) == 10
    assert all(d["status"] == "pending" for d in deliveries)
    assert any(
        a["error"].startswith("Connection failed") for d in deliveries for a in d["attempts"]
    )
    receiver.port = port
    receiver.start()
    received = await receiver.wait_for(10)
    assert _types_by_ticket(received) == {
        t["id"]: ["ticket.created", "ticket.updated"] for t in tickets
    }


async def test_410_gone_deactivates_the_endpoint_with_a_reason(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    subscribe: Any,
    receiver: WebhookReceiver,
    create_ticket: Any,
) -> None:
    hook = await subscribe(receiver)
    receiver.status = 410
    await create_ticket()
    deliveries = await _settle(client, headers, hook["id"])
    assert [d["status"] for d in deliveries] == ["failed"]
    fetched = (await client.get(f"/api/v1/webhooks/{hook['id']}", headers=headers)).json()
    assert fetched["is_active"] is False
    assert "410" in fetched["disabled_reason"]
    await create_ticket()
    assert len(await _deliveries(client, headers, hook["id"])) == 1


async def _one_ticket_against_a_failing_receiver(
    client_with: ClientFactory,
    headers: dict[str, str],
    receiver: WebhookReceiver,
    status: int,
    **overrides: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The settled delivery of one ticket to a receiver answering `status`, and the
    webhook afterwards."""
    receiver.status = status
    async with client_with(**overrides) as client:
        hook = await register_webhook(client, headers, receiver.url)
        await client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers)
        (delivery,) = await _settle(client, headers, hook["id"])
        fetched = (await client.get(f"/api/v1/webhooks/{hook['id']}", headers=headers)).json()
    return delivery, fetched


async def test_an_endpoint_failing_past_the_limit_is_deactivated(
    client_with: ClientFactory, headers: dict[str, str], receiver: WebhookReceiver
) -> None:
    delivery, webhook = await _one_ticket_against_a_failing_receiver(
        client_with, headers, receiver, 503, webhook_disable_after_seconds=0.3
    )
    assert delivery["status"] == "failed"
    assert delivery["attempt_count"] >= 2
    assert webhook["is_active"] is False
    assert "HTTP 503" in webhook["disabled_reason"]


async def test_a_delivery_is_failed_after_the_retry_window(
    client_with: ClientFactory, headers: dict[str, str], receiver: WebhookReceiver
) -> None:
    delivery, webhook = await _one_ticket_against_a_failing_receiver(
        client_with, headers, receiver, 500, webhook_retry_window_seconds=0.5
    )
    assert delivery["status"] == "failed"
    assert delivery["next_retry_at"] is None
    assert delivery["last_status_code"] == 500
    assert webhook["is_active"] is True  # one bad delivery does not disable the endpoint


async def test_redirects_are_not_followed(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    subscribe: Any,
    receiver: WebhookReceiver,
    create_ticket: Any,
) -> None:
    target = WebhookReceiver().start()
    try:
        hook = await subscribe(receiver)
        receiver.status = 302
        receiver.extra_headers = {"Location": target.url}
        await create_ticket()
        deliveries = await _attempted(client, headers, hook["id"])
        assert deliveries[0]["attempts"][0]["status_code"] == 302
        assert deliveries[0]["status"] == "pending"
        assert target.requests == []
    finally:
        target.stop()


async def test_a_huge_error_body_is_read_only_up_to_a_cap(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    subscribe: Any,
    receiver: WebhookReceiver,
    create_ticket: Any,
) -> None:
    hook = await subscribe(receiver)
    receiver.status = 500
    receiver.response_body = b"x" * 5_000_000
    await create_ticket()
    (delivery,) = await _attempted(client, headers, hook["id"])
    assert delivery["attempts"][0]["status_code"] == 500
    assert len(delivery["attempts"][0]["error"]) < 300


async def test_an_address_that_turns_private_at_delivery_time_is_refused(
    client_with: ClientFactory,
    headers: dict[str, str],
    receiver: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = iter(["93.184.215.14"])

    async def rebinding(host: str, port: int) -> list[urls.IPAddress]:
        # Public when registered, the receiver's loopback address afterwards.
        return [ipaddress.ip_address(next(answers, "127.0.0.1"))]

    monkeypatch.setattr(urls, "resolve", rebinding)
    async with client_with(webhook_allow_private_urls=False) as client:
        url = f"https://rebind.example.com:{receiver.port}/hooks"
        hook = await register_webhook(client, headers, url)
        await client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers)
        deliveries = await _attempted(client, headers, hook["id"])
    assert receiver.requests == []
    assert "private" in deliveries[0]["attempts"][0]["error"]


async def test_rotation_signs_with_both_secrets_for_a_while(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    subscribe: Any,
    receiver: WebhookReceiver,
    create_ticket: Any,
) -> None:
    hook = await subscribe(receiver)
    old_secret = hook["secret"]
    response = await client.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret", headers=headers)
    assert response.status_code == 200
    new_secret = response.json()["secret"]
    assert new_secret != old_secret
    receiver.secret = new_secret
    await create_ticket()
    (request,) = await receiver.wait_for(1)
    verify_standard(new_secret, request)
    verify_standard(old_secret, request)
    assert verify_hex(new_secret, request)
    assert verify_hex(old_secret, request)  # the seed vendor's scheme overlaps too
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert request.headers["x-servicedesk-signature"].split(",")[0] == _hex(new_secret, request)


async def test_the_secret_is_also_shown_in_the_standard_webhooks_form(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    subscribe: Any,
    receiver: WebhookReceiver,
    create_ticket: Any,
) -> None:
    hook = await subscribe(receiver)
    assert hook["standard_webhooks_secret"] == "whsec_" + hook["secret"]
    await create_ticket()
    (request,) = await receiver.wait_for(1)
    # The form a hand-written Standard Webhooks verifier expects, and the libraries take.
    verify_standard(hook["standard_webhooks_secret"], request)
    assert request.headers["x-servicedesk-signature"] == _hex(hook["secret"], request)
    rotated = await client.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret", headers=headers)
    assert rotated.json()["standard_webhooks_secret"] == "whsec_" + rotated.json()["secret"]
    listed = await client.get(f"/api/v1/webhooks/{hook['id']}", headers=headers)
    assert "secret" not in listed.json()
    assert "standard_webhooks_secret" not in listed.json()


def _hex(secret: str, request: Any) -> str:
    return "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()


async def test_test_event_and_manual_retry(
    client: httpx.AsyncClient, headers: dict[str, str], subscribe: Any, receiver: WebhookReceiver
) -> None:
    hook = await subscribe(receiver, events=["ticket.closed"])
    response = await client.post(f"/api/v1/webhooks/{hook['id']}/test", headers=headers)
    assert response.status_code == 202
    delivery = response.json()
    assert delivery["event_type"] == "webhook.test"
    assert delivery["status"] == "pending"
    (request,) = await receiver.wait_for(1)
    assert request.event["type"] == "webhook.test"
    assert request.event["data"]["webhook_id"] == hook["id"]
    await _settle(client, headers, hook["id"])

    retry_path = f"/api/v1/webhooks/{hook['id']}/deliveries/{delivery['id']}/retry"
    response = await client.post(retry_path, headers=headers)
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert len(response.json()["attempts"]) == 1
    again = await client.post(retry_path, headers=headers)
    assert again.status_code == 409
    assert again.json() == {"detail": "Delivery is already scheduled"}
    await _settle(client, headers, hook["id"])
    assert [r.webhook_id for r in receiver.accepted()] == [request.webhook_id] * 2

    missing = f"/api/v1/webhooks/{hook['id']}/deliveries/whd_missing/retry"
    response = await client.post(missing, headers=headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Delivery not found"}


async def test_inactive_webhooks_get_nothing_and_refuse_test_sends(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    subscribe: Any,
    receiver: WebhookReceiver,
    create_ticket: Any,
    drained: Drain,
) -> None:
    hook = await subscribe(receiver)
    path = f"/api/v1/webhooks/{hook['id']}"
    await client.patch(path, json={"is_active": False}, headers=headers)
    await create_ticket()
    response = await client.post(f"{path}/test", headers=headers)
    assert response.status_code == 409
    await drained()
    assert receiver.requests == []
    assert await _deliveries(client, headers, hook["id"]) == []


async def test_deliveries_list_pages(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    subscribe: Any,
    receiver: WebhookReceiver,
    create_ticket: Any,
) -> None:
    hook = await subscribe(receiver)
    for n in range(3):
        await create_ticket(subject=f"page {n}")
    await receiver.wait_for(3)
    response = await client.get(
        f"/api/v1/webhooks/{hook['id']}/deliveries?limit=2&offset=1", headers=headers
    )
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 1)
    assert len(body["deliveries"]) == 2
    bad = await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries?limit=0", headers=headers)
    assert bad.status_code == 422


async def test_ticket_triaged_is_delivered_with_the_triage(
    subscribe: Any, receiver: WebhookReceiver, create_ticket: Any
) -> None:
    hook = await subscribe(receiver, events=["ticket.triaged"])
    ticket = await create_ticket()
    [received] = await receiver.wait_for(1)
    event = verify_standard(hook["secret"], received)
    assert event["type"] == "ticket.triaged"
    triage = event["data"].pop("triage")
    assert event["data"] == ticket
    assert triage["engine"] == "local"
    assert triage["category"] == ticket["category"]
    assert event["changes"]["category"] == {"old": None, "new": ticket["category"]}

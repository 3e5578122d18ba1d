"""The webhooks endpoints: status codes, bodies, validation, SSRF rules, scopes, tenants."""

from __future__ import annotations

import ipaddress
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from servicedesk.auth.scopes import Scope
from servicedesk.config import Settings
from servicedesk.crypto import secret_box
from servicedesk.db.database import Database
from servicedesk.webhooks import urls
from tests.conftest import ClientFactory, KeyFactory
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.webhooks.conftest import register_webhook

VALID_EVENTS = (
    "ticket.*, ticket.created, ticket.updated, ticket.closed, ticket.reopened, "
    "ticket.note_added, ticket.triaged, ticket.sync_failed, ticket.assigned, "
    "ticket.sla_warning, ticket.sla_breached"
)
PUBLIC_BODY = {"url": "https://hooks.example.com/servicedesk", "events": ["ticket.created"]}


@pytest.fixture
def public_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """hooks.example.com resolves to a public address (the tests have no DNS)."""

    async def resolve(host: str, port: int) -> list[urls.IPAddress]:
        if host == "hooks.example.com":
            return [ipaddress.ip_address("93.184.215.14")]
        raise urls.WebhookUrlRejected(f"Webhook URL host does not resolve: {host}")

    monkeypatch.setattr(urls, "resolve", resolve)


async def test_create_returns_the_documented_body_with_a_generated_secret(
    client: httpx.AsyncClient, headers: dict[str, str], receiver: WebhookReceiver
) -> None:
    response = await client.post(
        "/api/v1/webhooks",
        json={"url": receiver.url, "events": ["ticket.created"], "secret": "mine"},
        headers=headers,
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "url",
        "events",
        "is_active",
        "secret",
        "standard_webhooks_secret",
        "created_at",
        "updated_at",
        "disabled_reason",
    }
    assert body["id"].startswith("wh_")
    assert body["url"] == receiver.url
    assert body["events"] == ["ticket.created"]
    assert body["is_active"] is True
    assert body["disabled_reason"] is None
    assert body["secret"] != "mine"
    assert len(body["secret"]) == 36
    assert body["standard_webhooks_secret"] == "whsec_" + body["secret"]


async def test_secret_is_shown_only_at_creation(
    client: httpx.AsyncClient, headers: dict[str, str], subscribe: Any, receiver: WebhookReceiver
) -> None:
    created = await subscribe(receiver)
    listed = (await client.get("/api/v1/webhooks", headers=headers)).json()
    fetched = (await client.get(f"/api/v1/webhooks/{created['id']}", headers=headers)).json()
    assert [hook["id"] for hook in listed["webhooks"]] == [created["id"]]
    assert "secret" not in listed["webhooks"][0]
    assert "secret" not in fetched
    assert created["secret"] not in str(listed) + str(fetched)


async def test_public_https_url_is_accepted(
    client_with: ClientFactory, headers: dict[str, str], public_dns: None
) -> None:
    async with client_with(webhook_allow_private_urls=False) as strict:
        response = await strict.post("/api/v1/webhooks", json=PUBLIC_BODY, headers=headers)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("http://hooks.example.com/x", "Webhook URL must use https://"),
        ("ftp://hooks.example.com/x", "Webhook URL must use https://"),
        ("https://127.0.0.1/x", "private, loopback"),
        ("https://localhost/x", "private, loopback"),
        ("https://10.1.2.3/x", "private, loopback"),
        ("https://192.168.0.10/x", "private, loopback"),
        ("https://169.254.169.254/latest/meta-data", "private, loopback"),
        ("https://[::1]/x", "private, loopback"),
        ("https://[::ffff:10.0.0.1]/x", "private, loopback"),
        ("https://0.0.0.0/x", "private, loopback"),
        ("https://nowhere.invalid/x", "does not resolve"),
        ("not a url", "Webhook URL must use https://"),
        # IPv6 forms that carry a private IPv4 address.
        ("https://[64:ff9b::7f00:1]/x", "private, loopback"),  # NAT64 → 127.0.0.1
        ("https://[64:ff9b::a9fe:a9fe]/x", "private, loopback"),  # NAT64 → 169.254.169.254
        ("https://[2002:7f00:1::]/x", "private, loopback"),  # 6to4 → 127.0.0.1
        ("https://[2002:a00:1::1]/x", "private, loopback"),  # 6to4 → 10.0.0.1
        ("https://[64:ff9b:1::7f00:1]/", "private, loopback"),  # local-use NAT64
        ("https://[::ffff:0:7f00:1]/", "private, loopback"),  # IPv4-translated → 127.0.0.1
        ("https://[::127.0.0.1]/x", "private, loopback"),  # IPv4-compatible
        ("https://[::]/x", "private, loopback"),
        ("https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/x", "private, loopback"),  # Teredo
        ("https://hooks.example.com:0/x", "port must be 1 to 65535"),
        ("https://hooks.example.com:70000/x", "port must be 1 to 65535"),
        ("https://xn--/x", "not a valid host name"),
        ("https://xn--zz-zzzz/x", "not a valid host name"),
        ("https://a..example.com/x", "not a valid host name"),
        ("https://" + "a" * 64 + ".example.com/x", "not a valid host name"),
        ("https://" + "a." * 127 + "com/x", "not a valid host name"),
    ],
)
async def test_unsafe_urls_are_400(
    client_with: ClientFactory, headers: dict[str, str], url: str, detail: str
) -> None:
    async with client_with(webhook_allow_private_urls=False) as strict:
        response = await strict.post(
            "/api/v1/webhooks", json={"url": url, "events": ["ticket.*"]}, headers=headers
        )
        assert response.status_code == 400
        assert set(response.json()) == {"detail"}
        assert detail in response.json()["detail"]
        assert (await strict.get("/api/v1/webhooks", headers=headers)).json() == {"webhooks": []}


async def test_empty_events_is_422(
    client: httpx.AsyncClient, headers: dict[str, str], receiver: WebhookReceiver
) -> None:
    response = await client.post(
        "/api/v1/webhooks", json={"url": receiver.url, "events": []}, headers=headers
    )
    assert response.status_code == 422


async def test_missing_url_is_422(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.post("/api/v1/webhooks", json={"events": ["ticket.*"]}, headers=headers)
    assert response.status_code == 422


async def test_unknown_event_is_400_naming_it_and_the_valid_ones(
    client: httpx.AsyncClient, headers: dict[str, str], receiver: WebhookReceiver
) -> None:
    response = await client.post(
        "/api/v1/webhooks",
        json={"url": receiver.url, "events": ["ticket.created", "ticket.deleted"]},
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Invalid event type: ticket.deleted. Valid events: {VALID_EVENTS}"
    }


async def test_patch_changes_url_events_and_activation(
    client: httpx.AsyncClient, headers: dict[str, str], subscribe: Any, receiver: WebhookReceiver
) -> None:
    created = await subscribe(receiver, events=["ticket.created"])
    path = f"/api/v1/webhooks/{created['id']}"
    response = await client.patch(
        path,
        json={"events": ["ticket.closed", "ticket.closed"], "is_active": False},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json()["events"] == ["ticket.closed"]
    assert response.json()["is_active"] is False
    assert response.json()["updated_at"] > created["updated_at"]
    other = WebhookReceiver().start()
    try:
        response = await client.patch(path, json={"url": other.url}, headers=headers)
    finally:
        other.stop()
    assert response.status_code == 200
    assert response.json()["url"] == other.url
    assert (await client.get(path, headers=headers)).json()["url"] == other.url


@pytest.mark.parametrize(
    ("patch", "status"),
    [
        ({}, 400),
        ({"secret": "x"}, 400),
        ({"events": ["nope"]}, 400),
        ({"url": "https://10.0.0.1/x"}, 400),
        ({"events": []}, 422),
        ({"is_active": "maybe"}, 422),
    ],
)
async def test_patch_rejects_bad_bodies(
    client_with: ClientFactory,
    headers: dict[str, str],
    receiver: WebhookReceiver,
    patch: dict[str, Any],
    status: int,
) -> None:
    async with client_with(webhook_allow_private_urls=False) as strict:
        # Registered while loopback is allowed, checked while it is not.
        async with client_with(webhook_allow_private_urls=True) as lax:
            created = await register_webhook(lax, headers, receiver.url)
        path = f"/api/v1/webhooks/{created['id']}"
        response = await strict.patch(path, json=patch, headers=headers)
        assert response.status_code == status
        if status == 400:
            assert set(response.json()) >= {"detail"}
        after = (await strict.get(path, headers=headers)).json()
        assert after == {key: created[key] for key in after}


async def test_delete_is_204_then_404(
    client: httpx.AsyncClient, headers: dict[str, str], subscribe: Any, receiver: WebhookReceiver
) -> None:
    created = await subscribe(receiver)
    path = f"/api/v1/webhooks/{created['id']}"
    response = await client.delete(path, headers=headers)
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(path, headers=headers)).status_code == 404
    assert (await client.delete(path, headers=headers)).json() == {"detail": "Webhook not found"}


def _every_endpoint(webhook_id: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    base = f"/api/v1/webhooks/{webhook_id}"
    return [
        ("GET", base, None),
        ("PATCH", base, {"is_active": False}),
        ("POST", f"{base}/rotate-secret", None),
        ("POST", f"{base}/test", None),
        ("GET", f"{base}/deliveries", None),
        ("POST", f"{base}/deliveries/whd_0/retry", None),
        ("DELETE", base, None),
    ]


async def test_unknown_id_is_404_everywhere(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    for method, path, body in _every_endpoint("wh_doesnotexist"):
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"detail": "Webhook not found"}


async def test_foreign_webhook_is_404_everywhere_and_unlisted(
    client: httpx.AsyncClient, make_key: KeyFactory, subscribe: Any, receiver: WebhookReceiver
) -> None:
    created = await subscribe(receiver)
    intruder = {"X-API-Key": await make_key(tenant="intruder")}
    for method, path, body in _every_endpoint(created["id"]):
        response = await client.request(method, path, json=body, headers=intruder)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"detail": "Webhook not found"}
    assert (await client.get("/api/v1/webhooks", headers=intruder)).json() == {"webhooks": []}


async def test_every_endpoint_needs_the_webhooks_manage_scope(
    client: httpx.AsyncClient, make_key: KeyFactory, subscribe: Any, receiver: WebhookReceiver
) -> None:
    created = await subscribe(receiver)
    others = tuple(scope for scope in Scope if scope is not Scope.WEBHOOKS_MANAGE)
    narrow = {"X-API-Key": await make_key(scopes=others)}
    endpoints = [
        ("POST", "/api/v1/webhooks", {"url": receiver.url, "events": ["ticket.*"]}),
        ("GET", "/api/v1/webhooks", None),
        *_every_endpoint(created["id"]),
    ]
    for method, path, body in endpoints:
        response = await client.request(method, path, json=body, headers=narrow)
        assert response.status_code == 403, (method, path)
        assert response.json() == {
            "error": "forbidden",
            "message": "API key lacks required scope: webhooks:manage",
        }
        anonymous = await client.request(method, path, json=body)
        assert anonymous.status_code == 401


async def test_non_json_body_is_415(
    client: httpx.AsyncClient, headers: dict[str, str], receiver: WebhookReceiver
) -> None:
    response = await client.post(
        "/api/v1/webhooks",
        content=f"url={receiver.url}",
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415


async def test_the_secret_is_stored_encrypted_only(
    database: Database, settings: Settings, subscribe: Any, receiver: WebhookReceiver
) -> None:
    created = await subscribe(receiver)
    row = await database.read(
        lambda session: dict(session.execute(text("SELECT * FROM webhooks")).mappings().one())
    )
    assert created["secret"] not in str(dict(row))
    assert secret_box(settings).decrypt(row["secret_encrypted"]) == created["secret"]

"""The scope matrix and tenant isolation on every route of the API, generated from the
app's own routes: a route added without an entry here fails `test_every_route_is_covered`.

- Scopes: a key lacking the route's scope gets the documented 403; a key holding only
  that scope is let through.
- Tenants: another tenant's key, holding every scope, gets 404 for each of this tenant's
  ids, sees none of them in any answer, and changes nothing of this tenant's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from servicedesk.app import create_app
from servicedesk.auth.repository import get_tenant_by_name
from servicedesk.auth.scopes import Scope
from servicedesk.config import Settings
from servicedesk.db.database import Database
from servicedesk.email.set_aside import set_aside
from tests.conftest import SEED_CREATE, KeyFactory, UserFactory
from tests.helpers.hostile import nested_mail
from tests.routes import api_routes

# What each route is called with: (body, query). Path ids come from the tenant's World.
REQUESTS: dict[tuple[str, str], tuple[Any, dict[str, str]]] = {
    ("POST", "/api/v1/tickets"): (SEED_CREATE, {}),
    ("GET", "/api/v1/tickets"): (None, {}),
    ("GET", "/api/v1/tickets/{ticket_id}"): (None, {}),
    ("PATCH", "/api/v1/tickets/{ticket_id}"): ({"status": "closed"}, {}),
    ("POST", "/api/v1/tickets/{ticket_id}/notes"): ({"body": "Checked the logs."}, {}),
    ("GET", "/api/v1/tickets/{ticket_id}/notes"): (None, {}),
    ("GET", "/api/v1/tickets/{ticket_id}/attachments"): (None, {}),
    ("GET", "/api/v1/attachments/{attachment_id}"): (None, {}),
    ("GET", "/api/v1/tickets/{ticket_id}/history"): (None, {}),
    ("GET", "/api/v1/custom-fields"): (None, {}),
    ("POST", "/api/v1/custom-fields"): ({"name": "other", "label": "O", "type": "text"}, {}),
    ("POST", "/api/v1/custom-fields/validate"): ({"custom_fields": {}}, {}),
    ("GET", "/api/v1/custom-fields/{field_id}"): (None, {}),
    ("PATCH", "/api/v1/custom-fields/{field_id}"): ({"label": "Renamed"}, {}),
    ("DELETE", "/api/v1/custom-fields/{field_id}"): (None, {"force": "true"}),
    ("POST", "/api/v1/webhooks"): ({"url": "http://127.0.0.1:9/b", "events": ["ticket.*"]}, {}),
    ("GET", "/api/v1/webhooks"): (None, {}),
    ("GET", "/api/v1/webhooks/{webhook_id}"): (None, {}),
    ("PATCH", "/api/v1/webhooks/{webhook_id}"): ({"events": ["ticket.created"]}, {}),
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): (None, {}),
    ("POST", "/api/v1/webhooks/{webhook_id}/rotate-secret"): (None, {}),
    ("POST", "/api/v1/webhooks/{webhook_id}/test"): (None, {}),
    ("GET", "/api/v1/webhooks/{webhook_id}/deliveries"): (None, {}),
    ("POST", "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"): (None, {}),
    ("POST", "/api/v1/kb/articles"): ({"title": "Printer jams", "body": "Open tray 2."}, {}),
    ("GET", "/api/v1/kb/articles"): (None, {}),
    ("GET", "/api/v1/kb/articles/{article_id}"): (None, {}),
    ("PATCH", "/api/v1/kb/articles/{article_id}"): ({"title": "Renamed"}, {}),
    ("DELETE", "/api/v1/kb/articles/{article_id}"): (None, {}),
    ("GET", "/api/v1/configuration/triage"): (None, {}),
    ("PUT", "/api/v1/configuration/triage"): ({}, {}),
    ("GET", "/api/v1/configuration/provider"): (None, {}),
    (
        "PUT",
        "/api/v1/configuration/provider",
    ): ({"kind": "freshservice", "domain": "globex", "api_key": "other-key"}, {}),
    ("DELETE", "/api/v1/configuration/provider"): (None, {}),
    ("POST", "/api/v1/configuration/provider/inbound-secret"): (None, {}),
    ("GET", "/api/v1/users"): (None, {}),
    ("GET", "/api/v1/users/{user_id}"): (None, {}),
    ("POST", "/api/v1/groups"): ({"name": "Other group"}, {}),
    ("GET", "/api/v1/groups"): (None, {}),
    ("GET", "/api/v1/groups/{group_id}"): (None, {}),
    ("PATCH", "/api/v1/groups/{group_id}"): ({"name": "Renamed group"}, {}),
    ("POST", "/api/v1/sla/policies"): (
        {"name": "Other", "targets": {"low": {"resolution_minutes": 60}}},
        {},
    ),
    ("GET", "/api/v1/sla/policies"): (None, {}),
    ("GET", "/api/v1/sla/policies/{policy_id}"): (None, {}),
    ("PATCH", "/api/v1/sla/policies/{policy_id}"): ({"name": "Renamed policy"}, {}),
    ("DELETE", "/api/v1/sla/policies/{policy_id}"): (None, {}),
    ("GET", "/api/v1/reports/sla"): (None, {"group_by": "policy"}),
    ("GET", "/api/v1/configuration/email"): (None, {}),
    ("PUT", "/api/v1/configuration/email"): ({"addresses": ["help@globex.example"]}, {}),
    ("DELETE", "/api/v1/configuration/email"): (None, {}),
    ("GET", "/api/v1/configuration/email/set-aside"): (None, {}),
    ("POST", "/api/v1/configuration/email/set-aside/{set_aside_id}/release"): (None, {}),
    # Bytes: sent as a raw message (message/rfc822).
    ("POST", "/api/v1/inbound/email"): (
        b"From: ana@customer.example\r\nSubject: Printer\r\n\r\nJammed.\r\n",
        {},
    ),
}
# Authenticated otherwise (the provider's bearer secret) or not at all.
OUTSIDE_THE_KEY = {
    ("POST", "/api/v1/integrations/{provider}/events/{token}"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
}
# The 404 a foreign id gets, by the path's last id.
NOT_FOUND = {
    "ticket_id": "Ticket not found",
    "field_id": "Custom field not found",
    "webhook_id": "Webhook not found",
    "delivery_id": "Webhook not found",
    "article_id": "Article not found",
    "user_id": "User not found",
    "group_id": "Group not found",
    "policy_id": "SLA policy not found",
    "attachment_id": "Attachment not found",
    "set_aside_id": "Set-aside message not found",
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    scope: Scope

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


def required_scope(route: APIRoute) -> Scope | None:
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        scope = getattr(dependency.call, "required_scope", None)
        if scope is not None:
            return Scope(scope)
        pending.extend(dependency.dependencies)
    return None


def endpoints() -> list[Endpoint]:
    app = create_app(Settings(environment="test"))
    found = []
    for route in api_routes(app):
        if not route.include_in_schema:  # a variant of a documented route (multipart)
            continue
        for method in sorted(route.methods):
            scope = required_scope(route)
            if scope is not None:
                found.append(Endpoint(method, route.path, scope))
    return found


ENDPOINTS = endpoints()


def test_every_route_is_covered() -> None:
    app = create_app(Settings(environment="test"))
    every = {
        (method, route.path)
        for route in api_routes(app)
        for method in route.methods
        if route.include_in_schema
    }
    assert every == set(REQUESTS) | OUTSIDE_THE_KEY
    assert {(e.method, e.path) for e in ENDPOINTS} == set(REQUESTS)


@dataclass
class World:
    """One of each resource of the tenant "acme", by the path parameter naming it."""

    ids: dict[str, str]

    def path(self, template: str) -> str:
        return template.format(**self.ids)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Loopback webhooks; a provider that refuses at once; no worker calling anything.
    return settings.model_copy(
        update={
            "webhook_allow_private_urls": True,
            "freshservice_base_url": "http://127.0.0.1:9",
            "zendesk_base_url": "http://127.0.0.1:9",
            "worker_embedded": False,
        }
    )


@pytest.fixture
async def world(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_user: UserFactory,
    database: Database,
) -> World:
    async def made(method: str, path: str, body: Any) -> dict[str, Any]:
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code < 300, response.text
        result: dict[str, Any] = response.json()
        return result

    ticket = await made("POST", "/api/v1/tickets", SEED_CREATE)
    with_file = await client.post(
        f"/api/v1/tickets/{ticket['id']}/notes",
        data={"body": "first note"},
        files=[("attachments", ("acme-secret.txt", b"acme only", "text/plain"))],
        headers=headers,
    )
    assert with_file.status_code == 201, with_file.text
    attachment = with_file.json()["attachments"][0]
    field = await made(
        "POST", "/api/v1/custom-fields", {"name": "asset", "label": "A", "type": "text"}
    )
    webhook = await made(
        "POST", "/api/v1/webhooks", {"url": "http://127.0.0.1:9/a", "events": ["ticket.*"]}
    )
    delivery = await made("POST", f"/api/v1/webhooks/{webhook['id']}/test", None)
    article = await made("POST", "/api/v1/kb/articles", {"title": "VPN", "body": "Reconnect."})
    await made(
        "PUT",
        "/api/v1/configuration/provider",
        {"kind": "freshservice", "domain": "acme", "api_key": "acme-key"},
    )
    user_id = await make_user(tenant="acme")
    group = await made("POST", "/api/v1/groups", {"name": "Desk", "member_ids": [str(user_id)]})
    await made("PUT", "/api/v1/configuration/email", {"addresses": ["help@acme.example"]})
    policy = await made(
        "POST",
        "/api/v1/sla/policies",
        {"name": "All", "targets": {"high": {"resolution_minutes": 60}}},
    )
    acme = await database.read(lambda session: get_tenant_by_name(session, "acme"))
    assert acme is not None
    kept = await set_aside(database, acme.id, nested_mail(100), "acme's poison", source="imap")
    return World(
        {
            "set_aside_id": str(kept),
            "ticket_id": ticket["id"],
            "field_id": field["id"],
            "webhook_id": webhook["id"],
            "delivery_id": delivery["id"],
            "article_id": article["id"],
            "user_id": str(user_id),
            "group_id": group["id"],
            "policy_id": policy["id"],
            "attachment_id": attachment["id"],
        }
    )


async def call(
    client: httpx.AsyncClient, endpoint: Endpoint, world: World, key: str
) -> httpx.Response:
    body, query = REQUESTS[(endpoint.method, endpoint.path)]
    if isinstance(body, bytes):
        return await client.request(
            endpoint.method,
            world.path(endpoint.path),
            content=body,
            params=query,
            headers={"X-API-Key": key, "Content-Type": "message/rfc822"},
        )
    return await client.request(
        endpoint.method,
        world.path(endpoint.path),
        json=body,
        params=query,
        headers={"X-API-Key": key},
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.label for e in ENDPOINTS])
async def test_a_key_without_the_routes_scope_is_refused_and_one_with_it_is_not(
    client: httpx.AsyncClient, make_key: KeyFactory, world: World, endpoint: Endpoint
) -> None:
    others = tuple(scope for scope in Scope if scope is not endpoint.scope)
    lacking = await call(client, endpoint, world, await make_key(scopes=others))
    holding = await call(client, endpoint, world, await make_key(scopes=(endpoint.scope,)))

    assert lacking.status_code == 403
    assert lacking.json() == {
        "error": "forbidden",
        "message": f"API key lacks required scope: {endpoint.scope.value}",
    }
    assert holding.status_code not in (401, 403), holding.text


async def snapshot(client: httpx.AsyncClient, headers: dict[str, str], world: World) -> str:
    """Everything of the tenant's world, as its own key reads it."""
    reads = [
        "/api/v1/tickets/{ticket_id}",
        "/api/v1/tickets/{ticket_id}/notes",
        "/api/v1/tickets/{ticket_id}/attachments",
        "/api/v1/attachments/{attachment_id}",
        "/api/v1/tickets",
        "/api/v1/custom-fields",
        "/api/v1/webhooks",
        "/api/v1/webhooks/{webhook_id}/deliveries",
        "/api/v1/kb/articles",
        "/api/v1/configuration/triage",
        "/api/v1/configuration/provider",
        "/api/v1/configuration/email",
        "/api/v1/configuration/email/set-aside",
        "/api/v1/sla/policies",
        "/api/v1/reports/sla?from=2020-01-01&to=2100-01-01",
    ]
    answers = [(await client.get(world.path(read), headers=headers)).text for read in reads]
    return "\n".join(answers)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.label for e in ENDPOINTS])
async def test_another_tenant_never_sees_or_changes_this_tenants_data(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_key: KeyFactory,
    world: World,
    endpoint: Endpoint,
) -> None:
    before = await snapshot(client, headers, world)
    intruder = await make_key(tenant="globex")

    response = await call(client, endpoint, world, intruder)

    ids = [name for name in NOT_FOUND if "{" + name + "}" in endpoint.path]
    if ids:
        assert response.status_code == 404, response.text
        assert response.json() == {"detail": NOT_FOUND[ids[0]]}
    assert not any(value in response.text for value in world.ids.values())
    assert await snapshot(client, headers, world) == before

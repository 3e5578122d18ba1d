"""The console's admin pages for webhooks, the provider, custom fields and set-aside mail."""

from __future__ import annotations

import uuid

import httpx
import pytest

from servicedesk.auth.repository import get_tenant_by_name
from servicedesk.config import Settings
from servicedesk.db.database import Database
from servicedesk.email.set_aside import set_aside
from tests.conftest import UserFactory
from tests.console.helpers import csrf_of, sign_in
from tests.helpers.hostile import nested_mail


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Loopback webhooks; a provider that refuses at once; no worker calling anything.
    return settings.model_copy(
        update={
            "webhook_allow_private_urls": True,
            "freshservice_base_url": "http://127.0.0.1:9",
            "worker_embedded": False,
        }
    )


async def _admin(client: httpx.AsyncClient, make_user: UserFactory) -> None:
    await make_user(email="admin@example.com", role="admin")
    await sign_in(client, "admin@example.com")


async def test_webhook_deliveries_are_listed_and_a_scheduled_one_is_not_retried(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    await _admin(client, make_user)
    webhook = await client.post(
        "/api/v1/webhooks",
        headers=headers,
        json={"url": "http://127.0.0.1:9/hook", "events": ["ticket.*"]},
    )
    webhook_id = webhook.json()["id"]
    delivery = (await client.post(f"/api/v1/webhooks/{webhook_id}/test", headers=headers)).json()

    listing = await client.get("/console/admin/webhooks")
    page = await client.get(f"/console/admin/webhooks/{webhook_id}")
    token = await csrf_of(client, f"/console/admin/webhooks/{webhook_id}")
    retried = await client.post(
        f"/console/admin/webhooks/{webhook_id}/deliveries/{delivery['id']}/retry",
        data={"csrf_token": token},
    )
    unknown = await client.get("/console/admin/webhooks/wh_unknown")

    assert "http://127.0.0.1:9/hook" in listing.text
    assert "webhook.test" in page.text
    assert retried.status_code == 409
    assert "Delivery is already scheduled" in retried.text
    assert unknown.status_code == 404


async def test_the_provider_page_shows_the_connection_and_sync_states(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    await _admin(client, make_user)
    empty = await client.get("/console/admin/provider")
    await client.put(
        "/api/v1/configuration/provider",
        headers=headers,
        json={"kind": "freshservice", "domain": "acme", "api_key": "secret-key-123"},
    )
    ticket = await client.post(
        "/api/v1/tickets", headers=headers, json={"subject": "Mirror me", "description": "x"}
    )

    page = await client.get("/console/admin/provider")

    assert "No provider connected" in empty.text
    assert "freshservice" in page.text
    assert "secret-key-123" not in page.text
    assert ticket.json()["external_sync_status"] == "pending"
    assert "Mirror me" in page.text


async def test_the_custom_fields_page_lists_the_definitions(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    await _admin(client, make_user)
    await client.post(
        "/api/v1/custom-fields",
        headers=headers,
        json={"name": "asset_tag", "label": "Asset <tag>", "type": "text"},
    )

    page = await client.get("/console/admin/custom-fields")

    assert "asset_tag" in page.text
    assert "Asset &lt;tag&gt;" in page.text


async def test_agents_are_refused_the_integration_pages(
    client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    await make_user(email="agent@example.com")
    await sign_in(client, "agent@example.com")
    for path in ("webhooks", "provider", "custom-fields", "triage"):
        assert (await client.get(f"/console/admin/{path}")).status_code == 403


async def test_set_aside_mail_is_listed_and_released_once_by_an_admin(
    client: httpx.AsyncClient, database: Database, make_user: UserFactory
) -> None:
    await _admin(client, make_user)
    empty = await client.get("/console/admin/mail")
    acme = await database.read(lambda session: get_tenant_by_name(session, "acme"))
    assert acme is not None
    poison = nested_mail(100, subject="<b>Poison</b> mail")
    kept = await set_aside(database, acme.id, poison, "The message nests too deep", source="imap")

    listing = await client.get("/console/admin/mail")
    token = await csrf_of(client, "/console/admin/mail")
    released = await client.post(f"/console/admin/mail/{kept}/release", data={"csrf_token": token})
    again = await client.post(f"/console/admin/mail/{kept}/release", data={"csrf_token": token})
    forged = await client.post(f"/console/admin/mail/{kept}/release", data={"csrf_token": "x"})
    unknown = await client.post(
        f"/console/admin/mail/{uuid.uuid4()}/release", data={"csrf_token": token}
    )
    malformed = await client.post("/console/admin/mail/nope/release", data={"csrf_token": token})
    after = await client.get("/console/admin/mail")

    assert "No mail has been set aside." in empty.text
    assert "The message nests too deep" in listing.text
    assert "&lt;b&gt;Poison&lt;/b&gt; mail" in listing.text
    assert "Release as a ticket</button>" in listing.text
    assert released.status_code == 303
    ticket_path = released.headers["location"]
    assert ticket_path.startswith("/console/tickets/")
    assert "original.eml" in (await client.get(ticket_path)).text
    assert (again.status_code, forged.status_code) == (409, 403)
    assert "released already" in again.text
    assert (unknown.status_code, malformed.status_code) == (404, 404)
    assert f'<a href="{ticket_path}">Released as a ticket</a>' in after.text


async def test_the_set_aside_mail_page_is_for_admins_only(
    client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    await make_user(email="agent@example.com", role="agent")
    await sign_in(client, "agent@example.com")

    assert (await client.get("/console/admin/mail")).status_code == 403

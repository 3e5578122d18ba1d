"""/api/v1/configuration/provider (bodies, validation, scopes, tenants, secrets kept
secret) and the providers' inbound calls (verified, applied, never echoed)."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from servicedesk.auth.scopes import Scope
from servicedesk.db.database import Database
from tests.conftest import SEED_CREATE, ClientFactory, Drain
from tests.fakes.itsm import FakeITSM
from tests.providers.conftest import provider_body

CONFIG = "/api/v1/configuration/provider"


async def test_put_get_delete_round_trip_without_ever_returning_the_credential(
    fake: FakeITSM, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    assert (await client.get(CONFIG, headers=headers)).status_code == 404
    body = provider_body(fake, default_requester_email="desk@acme.example")
    put = await client.put(CONFIG, json=body, headers=headers)
    assert put.status_code == 200
    created = put.json()
    assert created["kind"] == fake.kind
    assert created["domain"] == "acme"
    assert created["base_url"] == fake.base_url
    assert created["default_requester_email"] == "desk@acme.example"
    assert created["inbound_url"].startswith(f"/api/v1/integrations/{fake.kind}/events/inb_")
    assert len(created["inbound_secret"]) >= 40
    assert body["api_key"] not in put.text

    got = await client.get(CONFIG, headers=headers)
    assert got.status_code == 200
    assert got.json()["inbound_secret"] is None
    assert got.json()["inbound_url"] == created["inbound_url"]
    assert body["api_key"] not in got.text

    # A later PUT without api_key keeps the credential and the inbound URL and secret.
    again = await client.put(
        CONFIG, json={k: v for k, v in body.items() if k != "api_key"}, headers=headers
    )
    assert again.status_code == 200
    assert again.json()["inbound_secret"] is None
    assert again.json()["inbound_url"] == created["inbound_url"]

    assert (await client.delete(CONFIG, headers=headers)).status_code == 204
    assert (await client.get(CONFIG, headers=headers)).status_code == 404
    assert (await client.delete(CONFIG, headers=headers)).json() == {
        "detail": "No ITSM provider is configured"
    }


@pytest.mark.parametrize(
    ("change", "status", "detail"),
    [
        ({"api_key": None}, 400, "api_key is required for a new provider account"),
        ({"kind": "zendesk", "agent_email": None}, 400, "agent_email is required for zendesk"),
        ({"domain": "acme.example.com/../x"}, 422, None),
        ({"kind": "servicenow"}, 422, None),
        ({"default_requester_email": "not-an-email"}, 422, None),
        ({"password": "x"}, 422, None),
    ],
)
async def test_invalid_settings_are_refused_and_write_nothing(
    change: dict[str, Any],
    status: int,
    detail: str | None,
    fake: FakeITSM,
    client: httpx.AsyncClient,
    headers: dict[str, str],
) -> None:
    body = {k: v for k, v in {**provider_body(fake), **change}.items() if v is not None}
    response = await client.put(CONFIG, json=body, headers=headers)
    assert response.status_code == status, response.text
    if detail:
        assert response.json() == {"detail": detail}
    assert (await client.get(CONFIG, headers=headers)).status_code == 404


async def test_the_full_host_name_is_accepted_as_the_domain(
    fake: FakeITSM, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    host = f"Acme.{fake.kind}.com"
    response = await client.put(CONFIG, json=provider_body(fake, domain=host), headers=headers)
    assert response.json()["domain"] == "acme"


async def test_scopes_and_tenants(
    fake: FakeITSM, client: httpx.AsyncClient, headers: dict[str, str], make_key: Any
) -> None:
    reader = {"X-API-Key": await make_key(scopes=(Scope.CONFIG_READ,))}
    writer_only = {"X-API-Key": await make_key(scopes=(Scope.CONFIG_WRITE,))}
    tickets_only = {"X-API-Key": await make_key(scopes=(Scope.TICKETS_READ, Scope.TICKETS_WRITE))}
    foreign = {"X-API-Key": await make_key(tenant="other")}
    await client.put(CONFIG, json=provider_body(fake), headers=headers)

    assert (await client.get(CONFIG, headers=reader)).status_code == 200
    denied = await client.put(CONFIG, json=provider_body(fake), headers=reader)
    assert denied.status_code == 403
    assert denied.json()["message"] == "API key lacks required scope: config:write"
    assert (await client.get(CONFIG, headers=writer_only)).status_code == 403
    assert (await client.delete(CONFIG, headers=reader)).status_code == 403
    assert (await client.post(f"{CONFIG}/inbound-secret", headers=reader)).status_code == 403
    assert (await client.get(CONFIG, headers=tickets_only)).status_code == 403
    assert (await client.get(CONFIG, headers={"X-API-Key": "nope"})).status_code == 401
    # Another tenant sees no provider, and its tickets are not mirrored.
    assert (await client.get(CONFIG, headers=foreign)).status_code == 404
    assert (await client.delete(CONFIG, headers=foreign)).status_code == 404


async def _mirrored_ticket(
    client: httpx.AsyncClient, headers: dict[str, str], fake: FakeITSM
) -> tuple[dict[str, Any], dict[str, Any]]:
    put = await client.put(CONFIG, json=provider_body(fake), headers=headers)
    config = put.json()
    ticket = (await client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers)).json()
    assert ticket["external_sync_status"] == "synced"
    return config, ticket


def _status_name(fake: FakeITSM, ours: str) -> str:
    names = {
        "freshservice": {"resolved": "Resolved", "open": "Open", "pending": "Pending"},
        "zendesk": {"resolved": "Solved", "open": "Open", "pending": "Pending"},
    }
    return names[fake.kind][ours]


async def test_an_inbound_change_updates_the_ticket_and_is_not_echoed(
    fake: FakeITSM,
    client: httpx.AsyncClient,
    headers: dict[str, str],
    drained: Drain,
) -> None:
    config, ticket = await _mirrored_ticket(client, headers, fake)
    auth = {"Authorization": f"Bearer {config['inbound_secret']}"}
    payload = {
        "ticket_id": ticket["external_ticket_id"],
        "status": _status_name(fake, "resolved"),
        "priority": "Urgent",
    }
    calls_before = len(fake.calls)

    response = await client.post(config["inbound_url"], json=payload, headers=auth)

    assert response.status_code == 200, response.text
    assert response.json() == {"ticket_id": ticket["id"], "changed": ["priority", "status"]}
    updated = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert updated["status"] == "resolved"
    assert updated["priority"] == "urgent"
    await drained()  # every job the change queued has run: none pushed it back
    assert len(fake.calls) == calls_before


async def test_an_inbound_status_the_provider_shows_for_ours_changes_nothing(
    fake: FakeITSM, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    config, ticket = await _mirrored_ticket(client, headers, fake)
    await client.patch(
        f"/api/v1/tickets/{ticket['id']}", json={"status": "pending_agent"}, headers=headers
    )
    auth = {"Authorization": f"Bearer {config['inbound_secret']}"}
    payload = {"ticket_id": ticket["external_ticket_id"], "status": _status_name(fake, "open")}
    response = await client.post(config["inbound_url"], json=payload, headers=auth)
    assert response.json()["changed"] == []
    got = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert got["status"] == "pending_agent"


async def test_calls_to_one_inbound_url_are_limited_before_the_secret_is_checked(
    fake: FakeITSM, client_with: ClientFactory, headers: dict[str, str]
) -> None:
    # An hour's window: a minute's could turn over between the guesses and the good call
    # on a busy machine (it did once in CI), and the budget would start again.
    async with client_with(rate_limit_inbound="3/hour") as client:
        config, ticket = await _mirrored_ticket(client, headers, fake)
        url = config["inbound_url"]
        payload = {"ticket_id": ticket["external_ticket_id"], "status": "Closed"}
        good = {"Authorization": f"Bearer {config['inbound_secret']}"}
        guesses = [
            await client.post(url, json=payload, headers={"Authorization": f"Bearer guess{n}"})
            for n in range(3)
        ]
        refused = await client.post(url, json=payload, headers=good)
        elsewhere = await client.post(url[:-4] + "0000", json=payload, headers=good)

    assert [guess.status_code for guess in guesses] == [401, 401, 401]
    assert guesses[0].headers["RateLimit-Limit"] == "3"
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Rate limit exceeded: 3 per 1 hour.")
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert elsewhere.status_code == 401  # another URL has its own budget


async def test_inbound_calls_are_verified(
    fake: FakeITSM, client: httpx.AsyncClient, headers: dict[str, str], make_key: Any
) -> None:
    config, ticket = await _mirrored_ticket(client, headers, fake)
    url = config["inbound_url"]
    payload = {"ticket_id": ticket["external_ticket_id"], "status": "Closed"}
    unauthorized = {"detail": "Invalid or missing inbound secret"}
    good = {"Authorization": f"Bearer {config['inbound_secret']}"}
    other_kind = "zendesk" if fake.kind == "freshservice" else "freshservice"

    for attempt in (
        client.post(url, json=payload),
        client.post(url, json=payload, headers={"Authorization": "Bearer wrong"}),
        client.post(url.replace(fake.kind, other_kind), json=payload, headers=good),
        client.post(url[:-4] + "0000", json=payload, headers=good),
    ):
        response = await attempt
        assert response.status_code == 401
        assert response.json() == unauthorized

    unknown = await client.post(url, json={"ticket_id": "999999"}, headers=good)
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "Ticket not found"}
    empty = await client.post(url, json={"status": "Closed"}, headers=good)
    assert empty.status_code == 400
    # Ids no ticket can hold are 400, statuses no one can read change nothing: never 500.
    for raw in (b'{"ticket_id": "4\\ud8002"}', b'{"ticket_id": "' + b"7" * 101 + b'"}'):
        odd = await client.post(
            url, content=raw, headers={**good, "Content-Type": "application/json"}
        )
        assert odd.status_code == 400, odd.text
        assert odd.json() == {"detail": "The payload names no ticket: send ticket_id"}
    for status in ("5" * 5000, "\u00b2", "\u0663", "\ud800"):
        raw = json.dumps({"ticket_id": ticket["external_ticket_id"], "status": status}).encode()
        odd = await client.post(
            url, content=raw, headers={**good, "Content-Type": "application/json"}
        )
        assert odd.status_code == 200, odd.text
        assert odd.json()["changed"] == []
    text_body = await client.post(url, content=b"x", headers={**good, "Content-Type": "text/plain"})
    assert text_body.status_code == 415

    rotated = await client.post(f"{CONFIG}/inbound-secret", headers=headers)
    assert rotated.status_code == 200
    assert (await client.post(url, json=payload, headers=good)).status_code == 401
    fresh = {"Authorization": f"Bearer {rotated.json()['inbound_secret']}"}
    assert (await client.post(url, json=payload, headers=fresh)).status_code == 200

    # Another tenant's ticket with the same provider id is out of reach of this URL.
    foreign = {"X-API-Key": await make_key(tenant="other")}
    await client.put(CONFIG, json=provider_body(fake), headers=foreign)
    theirs = (await client.post("/api/v1/tickets", json=SEED_CREATE, headers=foreign)).json()
    reach = await client.post(
        url, json={"ticket_id": theirs["external_ticket_id"], "status": "Closed"}, headers=fresh
    )
    assert reach.status_code == 404


async def test_credentials_never_appear_in_logs_responses_or_the_database(
    fake: FakeITSM,
    client: httpx.AsyncClient,
    headers: dict[str, str],
    database: Database,
    caplog: pytest.LogCaptureFixture,
    drained: Drain,
) -> None:
    caplog.set_level(logging.DEBUG)
    body = provider_body(fake)
    credential = body["api_key"]
    responses = [await client.put(CONFIG, json=body, headers=headers)]
    inbound_secret = responses[0].json()["inbound_secret"]
    responses.append(await client.get(CONFIG, headers=headers))
    responses.append(await client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers))
    fake.fail_next = 2  # the failure paths log too
    responses.append(await client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers))
    await drained()  # the retries and their failures logged
    fake.api_key = fake.api_token = "rotated-at-the-vendor"  # type: ignore[attr-defined]
    responses.append(await client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers))
    await drained(within=15)  # 5 s was too short once on a loaded CI machine

    records = [json.dumps(record.msg, default=str) for record in caplog.records]
    logged = caplog.text + "".join(records)
    dumped = await _dump_everything(database)
    for secret in (credential, inbound_secret):
        assert secret not in logged
        assert secret not in dumped
        assert all(secret not in response.text for response in responses[1:])
    assert credential not in responses[0].text


async def _dump_everything(database: Database) -> str:
    tables = ["provider_configs", "tickets", "events", "outbox_jobs"]
    rows = await database.read(
        lambda session: [
            str(row)
            for table in tables
            for row in session.execute(text(f"SELECT * FROM {table}")).all()
        ]
    )
    return "\n".join(rows)

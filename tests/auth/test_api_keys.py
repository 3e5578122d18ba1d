"""X-API-Key authentication, the scope matrix, and tenant isolation on every endpoint."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from servicedesk.auth import service as auth
from servicedesk.auth.keys import KEY_PREFIX, generate_key, hash_key
from servicedesk.auth.models import ApiKey
from servicedesk.auth.scopes import Scope
from servicedesk.db.database import Database
from tests.conftest import SEED_CREATE, ClientFactory, KeyFactory, new_uuid

UNAUTHORIZED = {"error": "unauthorized", "message": "Invalid or missing API key"}

# (method, path template, body, scope it needs)
ENDPOINTS = [
    ("POST", "/api/v1/tickets", SEED_CREATE, "tickets:write"),
    ("GET", "/api/v1/tickets", None, "tickets:read"),
    ("GET", "/api/v1/tickets/{id}", None, "tickets:read"),
    ("PATCH", "/api/v1/tickets/{id}", {"status": "closed"}, "tickets:write"),
]
ENDPOINT_IDS = [f"{method} {path}" for method, path, _, _ in ENDPOINTS]


async def call(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str],
    ticket_id: str | None = None,
) -> httpx.Response:
    url = path.format(id=ticket_id or new_uuid())
    return await client.request(method, url, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body", "scope"), ENDPOINTS, ids=ENDPOINT_IDS)
@pytest.mark.parametrize(
    "presented",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("itsm_sk_live_unknown", id="unknown"),
        pytest.param(KEY_PREFIX + "x" * 500, id="oversized"),
        pytest.param("Bearer itsm_sk_live_x", id="wrong-form"),
    ],
)
async def test_missing_or_invalid_key_is_401(
    client: httpx.AsyncClient,
    api_key: str,
    method: str,
    path: str,
    body: Any,
    scope: str,
    presented: str | None,
) -> None:
    headers = {} if presented is None else {"X-API-Key": presented}

    response = await call(client, method, path, body, headers)

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


async def test_401_comes_before_body_validation_and_404(client: httpx.AsyncClient) -> None:
    invalid = await client.post("/api/v1/tickets", json={}, headers={"X-API-Key": "nope"})
    missing = await client.get(f"/api/v1/tickets/{new_uuid()}")

    assert invalid.status_code == 401
    assert missing.status_code == 401


async def test_revoked_key_is_401_at_once_without_the_key_cache(
    client_with: ClientFactory, database: Database, api_key: str, headers: dict[str, str]
) -> None:
    async with client_with(api_key_cache_seconds=0) as client:
        assert (await client.get("/api/v1/tickets", headers=headers)).status_code == 200
        await _revoke(database, api_key)

        response = await client.get("/api/v1/tickets", headers=headers)

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


async def test_revoked_key_stops_once_the_key_cache_forgets_it(
    client_with: ClientFactory, database: Database, api_key: str, headers: dict[str, str]
) -> None:
    # Long enough that a loaded CI machine still asks again before the entry expires.
    async with client_with(api_key_cache_seconds=1.5) as client:
        assert (await client.get("/api/v1/tickets", headers=headers)).status_code == 200
        await _revoke(database, api_key)
        remembered = await client.get("/api/v1/tickets", headers=headers)
        await asyncio.sleep(1.6)

        forgotten = await client.get("/api/v1/tickets", headers=headers)

    assert remembered.status_code == 200
    assert forgotten.status_code == 401
    assert forgotten.json() == UNAUTHORIZED


async def test_a_key_refused_once_works_as_soon_as_it_exists(
    client: httpx.AsyncClient, make_key: KeyFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refusals are never cached: an unknown key is looked up again every time."""
    plaintext = generate_key()
    refused = await client.get("/api/v1/tickets", headers={"X-API-Key": plaintext})
    monkeypatch.setattr(auth, "generate_key", lambda: plaintext)
    assert await make_key(scopes=(Scope.TICKETS_READ,)) == plaintext

    accepted = await client.get("/api/v1/tickets", headers={"X-API-Key": plaintext})

    assert refused.status_code == 401
    assert accepted.status_code == 200


async def _revoke(database: Database, plaintext: str) -> None:
    key_id = await _key_id(database, plaintext)
    assert await database.write(lambda session: auth.revoke_api_key(session, key_id))


async def _key_id(database: Database, plaintext: str) -> str:
    from servicedesk.auth.repository import get_active_key_by_hash

    key = await database.read(lambda session: get_active_key_by_hash(session, hash_key(plaintext)))
    assert key is not None
    return key.id


async def test_only_a_hash_of_the_key_is_stored(database: Database, api_key: str) -> None:
    key_id = await _key_id(database, api_key)
    key = await database.read(lambda session: session.get(ApiKey, key_id))
    assert key is not None
    stored = [str(value) for value in vars(key).values()]
    assert all(api_key not in value for value in stored)
    assert key.key_hash == hash_key(api_key)


@pytest.mark.parametrize(("method", "path", "body", "scope"), ENDPOINTS, ids=ENDPOINT_IDS)
@pytest.mark.parametrize(
    "held",
    [
        pytest.param((Scope.TICKETS_READ,), id="read-only"),
        pytest.param((Scope.TICKETS_WRITE,), id="write-only"),
        pytest.param((Scope.KB_READ, Scope.WEBHOOKS_MANAGE, Scope.CONFIG_WRITE), id="other"),
        pytest.param((Scope.TICKETS_READ, Scope.TICKETS_WRITE), id="both"),
    ],
)
async def test_scope_matrix(
    client: httpx.AsyncClient,
    make_key: KeyFactory,
    create_ticket: Any,
    method: str,
    path: str,
    body: Any,
    scope: str,
    held: tuple[Scope, ...],
) -> None:
    ticket = await create_ticket()
    key = await make_key(scopes=held)

    response = await call(client, method, path, body, {"X-API-Key": key}, ticket["id"])

    if scope in {s.value for s in held}:
        assert response.status_code in (200, 201), response.text
    else:
        assert response.status_code == 403
        assert response.json() == {
            "error": "forbidden",
            "message": f"API key lacks required scope: {scope}",
        }


@pytest.mark.parametrize(("method", "path", "body", "scope"), ENDPOINTS, ids=ENDPOINT_IDS)
async def test_a_tenant_never_sees_or_changes_another_tenants_tickets(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_key: KeyFactory,
    create_ticket: Any,
    method: str,
    path: str,
    body: Any,
    scope: str,
) -> None:
    mine = await create_ticket()
    intruder = {"X-API-Key": await make_key(tenant="globex")}

    response = await call(client, method, path, body, intruder, mine["id"])

    if "{id}" in path:
        assert response.status_code == 404
        assert response.json() == {"detail": "Ticket not found"}
    elif method == "GET":
        assert response.json()["total"] == 0
    else:
        assert response.status_code == 201
        assert response.json()["id"] != mine["id"]
    assert (await client.get(f"/api/v1/tickets/{mine['id']}", headers=headers)).json() == mine
    listed = (await client.get("/api/v1/tickets", headers=headers)).json()
    assert [t["id"] for t in listed["tickets"]] == [mine["id"]]


async def test_the_key_is_also_accepted_as_a_bearer_token(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    key = await make_key()
    bearer = await client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {key}"})
    assert bearer.status_code == 200
    lowercase = await client.get("/api/v1/tickets", headers={"Authorization": f"bearer {key}"})
    assert lowercase.status_code == 200


async def test_x_api_key_wins_over_a_bearer_token(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    key = await make_key()
    wrong = f"{KEY_PREFIX}not-a-key"
    kept = await client.get(
        "/api/v1/tickets", headers={"X-API-Key": key, "Authorization": f"Bearer {wrong}"}
    )
    assert kept.status_code == 200
    refused = await client.get(
        "/api/v1/tickets", headers={"X-API-Key": wrong, "Authorization": f"Bearer {key}"}
    )
    assert refused.status_code == 401


async def test_an_empty_x_api_key_leaves_the_bearer_token_to_count(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    """As FastAPI's APIKeyHeader reads it: an empty header is no key."""
    key = await make_key()
    response = await client.get(
        "/api/v1/tickets", headers={"X-API-Key": "", "Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "authorization",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token itsm_sk_live_x", "Bearer itsm_sk_live_x"],
)
async def test_other_authorization_is_401_naming_the_bearer_scheme(
    client: httpx.AsyncClient, authorization: str
) -> None:
    response = await client.get("/api/v1/tickets", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="servicedesk"'

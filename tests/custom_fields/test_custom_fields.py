"""/api/v1/custom-fields and the `custom_fields` of tickets: definitions, every type's
valid and invalid values on create and PATCH, required fields, defaults, validate,
refused and forced deletes, scopes and tenants."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from servicedesk.auth.repository import get_tenant_by_name
from servicedesk.auth.scopes import Scope
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.tickets.field_values import REMOVAL_BATCH
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.repository import TicketRepository
from tests.conftest import SEED_CREATE, Drain

URL = "/api/v1/custom-fields"

# type → (definition extras, valid values, invalid values)
TYPES: dict[str, tuple[dict[str, Any], list[Any], list[Any]]] = {
    "text": ({}, ["VPN-42", ""], [42, True, "x" * 256, ["a"]]),
    "textarea": ({}, ["line one\nline two", "y" * 65_536], [1.5, {"a": 1}, "y" * 65_537]),
    "number": ({}, [3, -2.5, 0], ["3", True, "many"]),
    "dropdown": ({"choices": ["IT", "HR"]}, ["IT", "HR"], ["it", "Finance", ["IT"]]),
    "multi_select": (
        {"choices": ["vpn", "wifi", "lan"]},
        [["vpn"], ["wifi", "lan"], []],
        ["vpn", ["vpn", "vpn"], ["dns"]],
    ),
    "checkbox": ({}, [True, False], ["true", 1, 0]),
    "date": ({}, ["2026-11-23", "2024-02-29"], ["2026-02-30", "23/11/2026", "2026-11-23T10:00:00"]),
    "url": ({}, ["https://intranet.example/wiki", "http://host:8080/x"], ["ftp://x", "not a url"]),
}


async def define(
    client: httpx.AsyncClient, headers: dict[str, str], name: str, field_type: str, **extra: Any
) -> dict[str, Any]:
    body = {
        "name": name,
        "label": name.title(),
        "type": field_type,
        **TYPES[field_type][0],
        **extra,
    }
    response = await client.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_definition_round_trip(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    created = await define(
        client, headers, "department", "dropdown", required=True, default_value="IT"
    )
    assert created["id"].startswith("cf_")
    assert {
        k: created[k] for k in ("name", "label", "type", "required", "choices", "default_value")
    } == {
        "name": "department",
        "label": "Department",
        "type": "dropdown",
        "required": True,
        "choices": ["IT", "HR"],
        "default_value": "IT",
    }
    listed = (await client.get(URL, headers=headers)).json()
    assert [f["name"] for f in listed["custom_fields"]] == ["department"]
    got = await client.get(f"{URL}/{created['id']}", headers=headers)
    assert got.json() == created
    patched = await client.patch(
        f"{URL}/{created['id']}",
        json={"choices": ["IT", "HR", "Ops"], "label": "Dept"},
        headers=headers,
    )
    assert patched.status_code == 200
    assert patched.json()["choices"] == ["IT", "HR", "Ops"]
    assert patched.json()["label"] == "Dept"
    assert (await client.delete(f"{URL}/{created['id']}", headers=headers)).status_code == 204
    gone = await client.get(f"{URL}/{created['id']}", headers=headers)
    assert gone.status_code == 404
    assert gone.json() == {"detail": "Custom field not found"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "Bad Name", "label": "x", "type": "text"}, 422),
        ({"name": "x", "label": "x", "type": "colour"}, 422),
        ({"name": "x", "label": "x", "type": "dropdown"}, 422),
        ({"name": "x", "label": "x", "type": "text", "choices": ["a"]}, 422),
        ({"name": "x", "label": "x", "type": "dropdown", "choices": ["a", "a"]}, 422),
        ({"name": "x", "label": "x", "type": "number", "default_value": "five"}, 422),
        ({"name": "x", "label": "", "type": "text"}, 422),
        ({"name": "x", "label": "x", "type": "text", "secret": 1}, 422),
        ({"name": "x", "label": "x", "type": "text", "default_value": "a\u0000"}, 422),
    ],
)
async def test_invalid_definitions_are_refused(
    body: dict[str, Any], status: int, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post(URL, json=body, headers=headers)
    assert response.status_code == status, response.text
    assert (await client.get(URL, headers=headers)).json()["custom_fields"] == []


async def test_duplicate_names_and_fixed_attributes(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    created = await define(client, headers, "asset_tag", "text")
    again = await client.post(
        URL, json={"name": "asset_tag", "label": "A", "type": "text"}, headers=headers
    )
    assert again.status_code == 409
    assert again.json() == {"detail": "A custom field named asset_tag exists"}
    for patch in ({"type": "number"}, {"name": "other"}):
        assert (
            await client.patch(f"{URL}/{created['id']}", json=patch, headers=headers)
        ).status_code == 422
    empty = await client.patch(f"{URL}/{created['id']}", json={}, headers=headers)
    assert empty.status_code == 400
    choices = await client.patch(f"{URL}/{created['id']}", json={"choices": ["a"]}, headers=headers)
    assert choices.status_code == 400


@pytest.mark.parametrize("field_type", list(TYPES))
async def test_each_type_on_create_and_patch(
    field_type: str, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await define(client, headers, "probe", field_type)
    _, valid, invalid = TYPES[field_type]
    for value in valid:
        created = await client.post(
            "/api/v1/tickets",
            json={**SEED_CREATE, "custom_fields": {"probe": value}},
            headers=headers,
        )
        assert created.status_code == 201, (value, created.text)
        assert created.json()["custom_fields"] == {"probe": value}
    ticket_id = created.json()["id"]
    for value in invalid:
        refused = await client.post(
            "/api/v1/tickets",
            json={**SEED_CREATE, "custom_fields": {"probe": value}},
            headers=headers,
        )
        assert refused.status_code == 422, (value, refused.text)
        assert refused.json()["detail"][0]["loc"] == ["body", "custom_fields", "probe"]
        patched = await client.patch(
            f"/api/v1/tickets/{ticket_id}",
            json={"custom_fields": {"probe": value}},
            headers=headers,
        )
        assert patched.status_code == 422, (value, patched.text)
    for value in valid:
        patched = await client.patch(
            f"/api/v1/tickets/{ticket_id}",
            json={"custom_fields": {"probe": value}},
            headers=headers,
        )
        assert patched.status_code == 200
        assert patched.json()["custom_fields"] == {"probe": value}


async def test_required_defaults_unknown_names_and_merging(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await define(client, headers, "department", "dropdown", required=True)
    await define(
        client, headers, "impact", "dropdown", choices=["low", "high"], default_value="low"
    )
    await define(client, headers, "asset_tag", "text")

    missing = await client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers)
    assert missing.status_code == 422
    assert missing.json()["detail"] == [
        {
            "type": "value_error",
            "loc": ["body", "custom_fields", "department"],
            "msg": "is required",
        }
    ]
    unknown = await client.post(
        "/api/v1/tickets",
        json={**SEED_CREATE, "custom_fields": {"department": "IT", "colour": "red"}},
        headers=headers,
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "custom_fields", "colour"]

    ticket = await client.post(
        "/api/v1/tickets",
        json={**SEED_CREATE, "custom_fields": {"department": "HR"}},
        headers=headers,
    )
    assert ticket.status_code == 201
    assert ticket.json()["custom_fields"] == {"department": "HR", "impact": "low"}
    url = f"/api/v1/tickets/{ticket.json()['id']}"
    merged = await client.patch(
        url, json={"custom_fields": {"asset_tag": "LT-9", "impact": None}}, headers=headers
    )
    assert merged.json()["custom_fields"] == {"department": "HR", "asset_tag": "LT-9"}
    removal = await client.patch(url, json={"custom_fields": {"department": None}}, headers=headers)
    assert removal.status_code == 422
    assert removal.json()["detail"][0]["msg"] == "is required and cannot be removed"
    unchanged = await client.get(url, headers=headers)
    assert unchanged.json()["custom_fields"] == {"department": "HR", "asset_tag": "LT-9"}


async def test_validate_checks_without_writing(
    client: httpx.AsyncClient, headers: dict[str, str], make_key: Any
) -> None:
    await define(client, headers, "department", "dropdown", required=True)
    await define(
        client, headers, "impact", "dropdown", choices=["low", "high"], default_value="low"
    )
    ok = await client.post(
        f"{URL}/validate", json={"custom_fields": {"department": "IT"}}, headers=headers
    )
    assert ok.status_code == 200
    assert ok.json() == {"valid": True, "custom_fields": {"department": "IT", "impact": "low"}}
    bad = await client.post(
        f"{URL}/validate", json={"custom_fields": {"impact": "huge"}}, headers=headers
    )
    assert bad.status_code == 422
    assert {tuple(e["loc"]) for e in bad.json()["detail"]} == {
        ("body", "custom_fields", "impact"),
        ("body", "custom_fields", "department"),
    }
    reader = {"X-API-Key": await make_key(scopes=(Scope.CONFIG_READ, Scope.TICKETS_READ))}
    denied = await client.post(f"{URL}/validate", json={"custom_fields": {}}, headers=reader)
    assert denied.status_code == 403
    listed = (await client.get("/api/v1/tickets", headers=headers)).json()
    assert listed["total"] == 0


async def test_a_field_in_use_is_deleted_only_with_force_and_its_values_with_it(
    client: httpx.AsyncClient, headers: dict[str, str], drained: Drain
) -> None:
    field = await define(client, headers, "asset_tag", "text")
    ids = []
    for tag in ("LT-1", "LT-2"):
        created = await client.post(
            "/api/v1/tickets",
            json={**SEED_CREATE, "custom_fields": {"asset_tag": tag}},
            headers=headers,
        )
        ids.append(created.json()["id"])
    await client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers)

    refused = await client.delete(f"{URL}/{field['id']}", headers=headers)
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "2 tickets hold a value for asset_tag; "
        "DELETE with ?force=true removes the values too"
    }
    assert (await client.get(f"{URL}/{field['id']}", headers=headers)).status_code == 200

    forced = await client.delete(f"{URL}/{field['id']}", params={"force": "true"}, headers=headers)
    assert forced.status_code == 204
    await drained()  # the values go in the background
    for ticket_id in ids:
        ticket = (await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)).json()
        assert ticket["custom_fields"] == {}
        history = (await client.get(f"/api/v1/tickets/{ticket_id}/history", headers=headers)).json()
        last = history["events"][-1]
        assert last["type"] == "ticket.updated"
        assert list(last["changes"]) == ["custom_fields"]


async def test_scopes_and_tenants(
    client: httpx.AsyncClient, headers: dict[str, str], make_key: Any
) -> None:
    field = await define(client, headers, "asset_tag", "text")
    reader = {"X-API-Key": await make_key(scopes=(Scope.CONFIG_READ,))}
    tickets_only = {"X-API-Key": await make_key(scopes=(Scope.TICKETS_READ, Scope.TICKETS_WRITE))}
    foreign = {"X-API-Key": await make_key(tenant="other")}
    body = {"name": "x", "label": "X", "type": "text"}

    assert (await client.get(URL, headers=reader)).status_code == 200
    assert (await client.post(URL, json=body, headers=reader)).status_code == 403
    assert (
        await client.patch(f"{URL}/{field['id']}", json={"label": "Y"}, headers=reader)
    ).status_code == 403
    assert (await client.delete(f"{URL}/{field['id']}", headers=reader)).status_code == 403
    assert (await client.get(URL, headers=tickets_only)).status_code == 403
    assert (await client.get(URL, headers=foreign)).json() == {"custom_fields": []}
    for call in (
        client.get(f"{URL}/{field['id']}", headers=foreign),
        client.patch(f"{URL}/{field['id']}", json={"label": "Y"}, headers=foreign),
        client.delete(f"{URL}/{field['id']}", headers=foreign),
    ):
        assert (await call).status_code == 404
    # Another tenant's definitions do not apply: the name is unknown there.
    theirs = await client.post(
        "/api/v1/tickets",
        json={**SEED_CREATE, "custom_fields": {"asset_tag": "X"}},
        headers=foreign,
    )
    assert theirs.status_code == 422


async def test_the_list_filters_by_custom_fields(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await define(client, headers, "department", "dropdown")
    await define(client, headers, "seats", "number")
    await define(client, headers, "vip", "checkbox")
    await define(client, headers, "areas", "multi_select")
    await define(client, headers, "asset_tag", "text")
    values = [
        {"department": "IT", "seats": 3, "vip": True, "areas": ["vpn", "wifi"], "asset_tag": "a b"},
        {"department": "HR", "seats": 2.5, "vip": False, "areas": ["lan"]},
        {"department": "IT", "seats": 3, "vip": False, "areas": []},
    ]
    ids = []
    for custom in values:
        created = await client.post(
            "/api/v1/tickets", json={**SEED_CREATE, "custom_fields": custom}, headers=headers
        )
        ids.append(created.json()["id"])

    async def found(**params: str) -> set[int]:
        response = await client.get("/api/v1/tickets", params=params, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["total"] == len(response.json()["tickets"])
        return {ids.index(t["id"]) for t in response.json()["tickets"]}

    assert await found(**{"cf.department": "IT"}) == {0, 2}
    assert await found(**{"cf.department": "IT", "cf.vip": "false"}) == {2}
    assert await found(**{"cf.seats": "3"}) == {0, 2}
    assert await found(**{"cf.seats": "2.5"}) == {1}
    assert await found(**{"cf.vip": "true"}) == {0}
    assert await found(**{"cf.areas": "wifi"}) == {0}
    assert await found(**{"cf.areas": "lan", "status": "open"}) == {1}
    assert await found(**{"cf.asset_tag": "a b"}) == {0}

    # The repeatable form a generated client can send, alone or beside the other.
    async def found_with(cf: list[str], **params: str) -> set[int]:
        query = [("cf", value) for value in cf] + list(params.items())
        response = await client.get("/api/v1/tickets", params=query, headers=headers)
        assert response.status_code == 200, response.text
        return {ids.index(t["id"]) for t in response.json()["tickets"]}

    assert await found_with(["department:IT"]) == {0, 2}
    assert await found_with(["department:IT", "vip:false"]) == {2}
    assert await found_with(["areas:wifi"], **{"cf.seats": "3"}) == {0}
    assert await found_with(["asset_tag:a b"]) == {0}
    for bad in ("department", ":IT"):
        response = await client.get("/api/v1/tickets", params={"cf": bad}, headers=headers)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "cf"]
    unknown = await client.get("/api/v1/tickets", params={"cf": "colour:red"}, headers=headers)
    assert unknown.status_code == 422

    for params in (
        {"cf.colour": "red"},
        {"cf.department": "Finance"},
        {"cf.seats": "three"},
        {"cf.vip": "yes"},
        {"cf.areas": "dns"},
    ):
        response = await client.get("/api/v1/tickets", params=params, headers=headers)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["loc"] == ["query", next(iter(params))]


async def test_a_force_delete_of_a_field_held_by_many_tickets_answers_at_once(
    client_with: Any, headers: dict[str, str], database: Database, drained: Drain
) -> None:
    """The request removes no value itself, a job does: with no worker running, every
    ticket still holds its value when the 204 comes (no clock to race with a busy
    machine, as a bound on the request's time would)."""
    holders = 2 * REMOVAL_BATCH + 50

    def insert(session: Session) -> None:
        tenant = get_tenant_by_name(session, "acme")
        assert tenant is not None
        now = utcnow()
        session.add_all(
            Ticket(
                id=uuid.uuid4(),
                tenant_id=tenant.id,
                subject="s",
                description="d",
                status="open",
                metadata_={},
                custom_fields={"asset_tag": f"LT-{n}"},
                created_at=now,
                updated_at=now,
            )
            for n in range(holders)
        )

    async with client_with(worker_embedded=False) as client:
        field = await define(client, headers, "asset_tag", "text")
        await client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers)  # the tenant
        await database.write(insert)
        forced = await client.delete(
            f"{URL}/{field['id']}", params={"force": "true"}, headers=headers
        )
        assert forced.status_code == 204
        assert await _holding(database, "asset_tag") == holders

        await drained()
        left = await client.get("/api/v1/tickets", params={"limit": 100}, headers=headers)
    assert all(ticket["custom_fields"] == {} for ticket in left.json()["tickets"])
    assert await _holding(database, "asset_tag") == 0


async def _holding(database: Database, name: str) -> int:
    def count(session: Session) -> int:
        tenant = get_tenant_by_name(session, "acme")
        assert tenant is not None
        return TicketRepository(session, tenant.id).count_holding_custom_field(name)

    return await database.read(count)


async def test_a_default_a_database_cannot_store_is_422(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    """A lone surrogate in `default_value` (it was a 500; JSON can carry it)."""
    raw = b'{"name": "x", "label": "x", "type": "text", "default_value": "a\\ud800"}'
    response = await client.post(
        URL, content=raw, headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert "default_value" in response.json()["detail"][0]["msg"]
    assert (await client.get(URL, headers=headers)).json()["custom_fields"] == []


@pytest.mark.parametrize(
    "values",
    [b'{"a\\ud800": "x"}', b'{"department": "a\\udfff"}', b'{"tags": ["\\ud800"]}'],
    ids=["key", "value", "nested"],
)
async def test_a_lone_surrogate_in_values_to_validate_is_422(
    client: httpx.AsyncClient, headers: dict[str, str], values: bytes
) -> None:
    response = await client.post(
        f"{URL}/validate",
        content=b'{"custom_fields": ' + values + b"}",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][:2] == ["body", "custom_fields"]


async def test_a_patched_default_a_database_cannot_store_is_422(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    created = await client.post(
        URL, json={"name": "x", "label": "x", "type": "text"}, headers=headers
    )
    assert created.status_code == 201
    response = await client.patch(
        f"{URL}/{created.json()['id']}",
        content=b'{"default_value": "a\\ud800"}',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "default_value"]
    assert (await client.get(URL, headers=headers)).json()["custom_fields"][0][
        "default_value"
    ] is None

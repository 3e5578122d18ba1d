"""Custom field values mirrored into the provider's own custom fields through the
tenant's `custom_field_map`: Freshservice by field name, Zendesk by field id."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fakes.itsm import FakeITSM, FakeZendesk
from tests.providers.conftest import provider_body
from tests.providers.test_sync import eventually

FIELDS_URL = "/api/v1/custom-fields"
CONFIG_URL = "/api/v1/configuration/provider"
DEFINITIONS = [
    {"name": "department", "label": "Department", "type": "dropdown", "choices": ["IT", "HR"]},
    {"name": "seats", "label": "Seats", "type": "number"},
    {"name": "vip", "label": "VIP", "type": "checkbox"},
    {"name": "internal_ref", "label": "Internal reference", "type": "text"},  # never mapped
]


def field_map(fake: FakeITSM) -> dict[str, str]:
    if isinstance(fake, FakeZendesk):
        return {"department": "360001", "seats": "360002", "vip": "360003"}
    return {"department": "cf_department", "seats": "cf_seats", "vip": "cf_vip"}


def held_at(fake: FakeITSM, ticket_id: str) -> dict[str, Any]:
    """The custom field values the fake holds for our ticket, keyed as in the map."""
    remote = fake.ticket_for(ticket_id)
    if isinstance(fake, FakeZendesk):
        return {str(entry["id"]): entry["value"] for entry in remote["custom_fields"]}
    return dict(remote.get("custom_fields", {}))


@pytest.fixture
async def defined(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    for definition in DEFINITIONS:
        response = await client.post(FIELDS_URL, json=definition, headers=headers)
        assert response.status_code == 201, response.text


@pytest.mark.usefixtures("defined")
async def test_mapped_values_reach_the_provider_on_create_and_on_patch(
    fake: FakeITSM, connect: Any, create_ticket: Any, client: httpx.AsyncClient, headers: Any
) -> None:
    mapping = field_map(fake)
    config = await connect(custom_field_map=mapping)
    assert config["custom_field_map"] == mapping
    shown = await client.get(CONFIG_URL, headers=headers)
    assert shown.json()["custom_field_map"] == mapping

    values = {"department": "IT", "seats": 3, "vip": True, "internal_ref": "R-1"}
    ticket = await create_ticket(custom_fields=values)
    assert ticket["external_sync_status"] == "synced"
    # Only mapped fields travel; `internal_ref` stays with us.
    assert held_at(fake, ticket["id"]) == {
        mapping["department"]: "IT",
        mapping["seats"]: 3,
        mapping["vip"]: True,
    }

    response = await client.patch(
        f"/api/v1/tickets/{ticket['id']}",
        json={"custom_fields": {"seats": 5, "vip": None}},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    expected = {mapping["department"]: "IT", mapping["seats"]: 5, mapping["vip"]: None}

    async def mirrored() -> bool:
        return held_at(fake, ticket["id"]) == expected

    await eventually(mirrored, what="the PATCHed values at the provider")


@pytest.mark.usefixtures("defined")
async def test_without_a_map_no_custom_field_is_sent(
    fake: FakeITSM, connect: Any, create_ticket: Any
) -> None:
    config = await connect()
    assert config["custom_field_map"] == {}
    ticket = await create_ticket(custom_fields={"department": "HR", "seats": 1})
    assert held_at(fake, ticket["id"]) == {}


@pytest.mark.usefixtures("defined")
async def test_a_map_must_name_our_fields_and_the_providers_kind_of_key(
    fake: FakeITSM, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    async def put(mapping: dict[str, Any]) -> httpx.Response:
        body = provider_body(fake, custom_field_map=mapping)
        return await client.put(CONFIG_URL, json=body, headers=headers)

    unknown = await put({"cost_centre": field_map(fake)["seats"]})
    assert unknown.status_code == 400
    assert unknown.json() == {"detail": "custom_field_map: no custom field named 'cost_centre'"}

    wrong_key = "cf_seats" if isinstance(fake, FakeZendesk) else "cf seats!"
    malformed = await put({"seats": wrong_key})
    assert malformed.status_code == 422
    assert malformed.json()["detail"][0]["loc"][:2] == ["body", "custom_field_map"]

    twice = await put({"seats": field_map(fake)["seats"], "vip": field_map(fake)["seats"]})
    assert twice.status_code == 422

    assert (await client.get(CONFIG_URL, headers=headers)).status_code == 404  # none stored


@pytest.mark.parametrize("fake", ["freshservice"], indirect=True)
@pytest.mark.usefixtures("defined")
async def test_a_field_freshservice_does_not_have_is_its_rejection(
    fake: FakeITSM, connect: Any, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await connect(custom_field_map={"seats": "cf_no_such_field"})
    body = {"subject": "Laptop", "description": "For the new hire", "custom_fields": {"seats": 2}}
    response = await client.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 400
    assert "cf_no_such_field" in response.json()["detail"]
    assert fake.snapshot() == []

"""A ticket's group and assignee: set on create and PATCH, checked against the tenant's
users and groups, filtered on, and published as `ticket.assigned`."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import SEED_CREATE, UserFactory


async def _group(client: httpx.AsyncClient, headers: dict[str, str], name: str = "L1") -> str:
    response = await client.post("/api/v1/groups", headers=headers, json={"name": name})
    assert response.status_code == 201
    group_id: str = response.json()["id"]
    return group_id


async def test_a_ticket_is_created_in_a_group_for_an_assignee(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    agent = await make_user()
    group = await _group(client, headers)

    response = await client.post(
        "/api/v1/tickets",
        headers=headers,
        json={**SEED_CREATE, "assignee_id": str(agent), "group_id": group},
    )

    assert response.status_code == 201
    ticket = response.json()
    assert ticket["assignee_id"] == str(agent)
    assert ticket["group_id"] == group
    fetched = await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)
    assert fetched.json()["assignee_id"] == str(agent)
    history = (await client.get(f"/api/v1/tickets/{ticket['id']}/history", headers=headers)).json()
    assigned = [event for event in history["events"] if event["type"] == "ticket.assigned"]
    assert len(assigned) == 1
    assert assigned[0]["changes"]["assignee_id"] == {"old": None, "new": str(agent)}


async def test_a_new_ticket_has_no_group_or_assignee(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    ticket = (await client.post("/api/v1/tickets", headers=headers, json=SEED_CREATE)).json()
    assert ticket["group_id"] is None
    assert ticket["assignee_id"] is None


@pytest.mark.parametrize("field", ["assignee_id", "group_id"])
async def test_an_unknown_or_foreign_user_or_group_is_422_and_nothing_is_stored(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_user: UserFactory,
    make_key: Any,
    field: str,
) -> None:
    if field == "assignee_id":
        foreign = str(await make_user(tenant="other"))
    else:
        foreign = await _group(client, {"X-API-Key": await make_key(tenant="other")})

    for value in (foreign, str(uuid.uuid4())):
        response = await client.post(
            "/api/v1/tickets", headers=headers, json={**SEED_CREATE, field: value}
        )
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", field]
    listed = await client.get("/api/v1/tickets", headers=headers)
    assert listed.json()["total"] == 0


async def test_a_disabled_user_cannot_be_assigned(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    disabled = await make_user(active=False)
    ticket = (await client.post("/api/v1/tickets", headers=headers, json=SEED_CREATE)).json()

    response = await client.patch(
        f"/api/v1/tickets/{ticket['id']}", headers=headers, json={"assignee_id": str(disabled)}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "is a disabled user"


async def test_a_patch_assigns_and_unassigns_publishing_ticket_assigned(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    agent = await make_user()
    ticket = (await client.post("/api/v1/tickets", headers=headers, json=SEED_CREATE)).json()
    url = f"/api/v1/tickets/{ticket['id']}"

    assigned = await client.patch(url, headers=headers, json={"assignee_id": str(agent)})
    unassigned = await client.patch(url, headers=headers, json={"assignee_id": None})
    unchanged = await client.patch(url, headers=headers, json={"assignee_id": None})

    assert assigned.json()["assignee_id"] == str(agent)
    assert unassigned.json()["assignee_id"] is None
    assert unchanged.status_code == 200
    history = (await client.get(f"{url}/history", headers=headers)).json()["events"]
    types = [event["type"] for event in history]
    assert types.count("ticket.assigned") == 2
    assert types.count("ticket.updated") == 2


async def test_the_list_filters_by_group_assignee_and_unassigned(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    agent = await make_user()
    group = await _group(client, headers)
    mine = await client.post(
        "/api/v1/tickets", headers=headers, json={**SEED_CREATE, "assignee_id": str(agent)}
    )
    grouped = await client.post(
        "/api/v1/tickets", headers=headers, json={**SEED_CREATE, "group_id": group}
    )

    async def ids(query: str) -> list[str]:
        response = await client.get(f"/api/v1/tickets?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [ticket["id"] for ticket in response.json()["tickets"]]

    assert await ids(f"assignee_id={agent}") == [mine.json()["id"]]
    assert await ids("assignee_id=none") == [grouped.json()["id"]]
    assert await ids(f"group_id={group}") == [grouped.json()["id"]]
    bad = await client.get("/api/v1/tickets?assignee_id=someone", headers=headers)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "assignee_id"]

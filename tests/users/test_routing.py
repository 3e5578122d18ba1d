"""Routing to groups and round-robin assignment on create: triage sends a category to a
group, and a group with round-robin on gives its new tickets to its active members in
turn; both are published as `ticket.assigned`."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from servicedesk.routing.round_robin import next_in_turn
from tests.conftest import UserFactory
from tests.triage.conftest import VPN_TICKET

TRIAGE = "/api/v1/configuration/triage"


async def _group(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> str:
    response = await client.post("/api/v1/groups", headers=headers, json=body)
    assert response.status_code == 201, response.text
    group_id: str = response.json()["id"]
    return group_id


async def _create(
    client: httpx.AsyncClient, headers: dict[str, str], **body: Any
) -> dict[str, Any]:
    response = await client.post("/api/v1/tickets", headers=headers, json={**VPN_TICKET, **body})
    assert response.status_code == 201, response.text
    ticket: dict[str, Any] = response.json()
    return ticket


async def test_triage_routes_a_category_to_its_group(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    network = await _group(client, headers, name="Network team")
    put = await client.put(TRIAGE, headers=headers, json={"category_groups": {"Network": network}})
    assert put.status_code == 200, put.text
    assert put.json()["category_groups"] == {"Network": network}

    ticket = await _create(client, headers)
    placed = await _create(client, headers, group_id=await _group(client, headers, name="Other"))

    assert ticket["category"] == "Network"
    assert ticket["group_id"] == network
    assert placed["group_id"] != network  # a creator's group stands
    events = (await client.get(f"/api/v1/tickets/{ticket['id']}/history", headers=headers)).json()
    kinds = [(event["type"], event["actor"]) for event in events["events"]]
    assert ("ticket.assigned", "triage") in kinds
    created = events["events"][0]
    assert created["changes"]["group_id"] == {"old": None, "new": None}


async def test_routing_to_an_unknown_group_or_category_is_refused(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    unknown = await client.put(
        TRIAGE, headers=headers, json={"category_groups": {"Network": str(uuid.uuid4())}}
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "category_groups", "Network"]
    group = await _group(client, headers, name="G")
    bad_category = await client.put(
        TRIAGE,
        headers=headers,
        json={"categories": ["Network"], "category_groups": {"Billing": group}},
    )
    assert bad_category.status_code == 422
    assert (await client.get(TRIAGE, headers=headers)).json()["category_groups"] == {}


async def test_round_robin_assigns_active_members_in_turn(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    members = [await make_user(email=f"m{n}@example.com") for n in range(3)]
    disabled = await make_user(email="away@example.com", active=False)
    group = await _group(
        client,
        headers,
        name="Desk",
        round_robin=True,
        member_ids=[str(m) for m in [*members, disabled]],
    )

    assignees = [(await _create(client, headers, group_id=group))["assignee_id"] for _ in range(4)]
    chosen_by_creator = await _create(client, headers, group_id=group, assignee_id=str(members[0]))

    order = sorted(str(m) for m in members)
    assert assignees == [*order, order[0]]
    assert str(disabled) not in assignees
    assert chosen_by_creator["assignee_id"] == str(members[0])
    ticket = await _create(client, headers, group_id=group)
    history = (await client.get(f"/api/v1/tickets/{ticket['id']}/history", headers=headers)).json()
    assigned = [e for e in history["events"] if e["type"] == "ticket.assigned"]
    assert len(assigned) == 2
    assert assigned[0]["actor"].startswith("key_")  # the creator's group
    assert assigned[1]["actor"] == "assignment:round_robin"
    assert history["events"][0]["changes"]["assignee_id"] == {"old": None, "new": None}


async def test_a_group_without_round_robin_leaves_tickets_unassigned(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    member = await make_user()
    group = await _group(client, headers, name="Desk", member_ids=[str(member)])
    assert (await _create(client, headers, group_id=group))["assignee_id"] is None


def test_next_in_turn_wraps_and_starts_over_for_a_stranger() -> None:
    a, b, c = (uuid.UUID(int=n) for n in (1, 2, 3))
    assert next_in_turn([a, b, c], None) == a
    assert next_in_turn([a, b, c], a) == b
    assert next_in_turn([a, b, c], c) == a
    assert next_in_turn([a, b, c], uuid.UUID(int=9)) == a

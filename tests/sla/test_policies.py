"""/api/v1/sla/policies: the contract (201, list, 404 body, 422s, scopes), and what a
policy does to tickets through the API: the `sla` object, first responses, filters,
the nearest-due order, warnings and breaches fired once by their timers, the report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from servicedesk.auth.scopes import Scope
from servicedesk.db.database import Database
from tests.conftest import Drain, KeyFactory
from tests.sla.conftest import URGENT_24X7, create_policy, move_back

POLICIES = "/api/v1/sla/policies"


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_create_list_get_patch_delete(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {
        "name": "Standard",
        "position": 1,
        "conditions": {"priority": ["urgent", "high"], "category": ["Network"]},
        "calendar": {
            "timezone": "Europe/Berlin",
            "hours": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]]},
            "holidays": ["2026-12-25"],
        },
        "targets": {"urgent": {"first_response_minutes": 30, "resolution_minutes": 240}},
        "pause_statuses": ["pending"],
        "warn_at": 0.75,
    }
    created = await client.post(POLICIES, json=body, headers=headers)
    assert created.status_code == 201, created.text
    policy = created.json()
    assert policy["id"].startswith("sla_")
    assert policy["calendar"] == body["calendar"]
    assert policy["targets"] == body["targets"]
    # Every condition is listed; null: not a condition.
    assert policy["conditions"] == {
        **body["conditions"],
        "group_id": None,
        "requester_domain": None,
        "custom_fields": None,
    }

    second = await create_policy(client, headers, name="Later", position=0)
    listed = (await client.get(POLICIES, headers=headers)).json()
    assert [p["id"] for p in listed["policies"]] == [second["id"], policy["id"]]

    url = f"{POLICIES}/{policy['id']}"
    assert (await client.get(url, headers=headers)).json() == policy
    patched = await client.patch(url, json={"warn_at": 0.5, "calendar": "24x7"}, headers=headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["warn_at"] == 0.5
    assert patched.json()["calendar"] == "24x7"
    assert patched.json()["name"] == "Standard"

    assert (await client.delete(url, headers=headers)).status_code == 204
    missing = await client.get(url, headers=headers)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "SLA policy not found"}
    for method in ("PATCH", "DELETE"):
        gone = await client.request(method, url, json={"name": "x"}, headers=headers)
        assert gone.status_code == 404
        assert gone.json() == {"detail": "SLA policy not found"}


async def test_position_defaults_to_after_the_last(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {key: value for key, value in URGENT_24X7.items() if key != "position"}
    first = (await client.post(POLICIES, json=body, headers=headers)).json()
    second = (await client.post(POLICIES, json=body, headers=headers)).json()
    assert (first["position"], second["position"]) == (1, 2)
    assert first["pause_statuses"] == ["pending"]
    assert first["warn_at"] == 0.75


@pytest.mark.parametrize(
    ("change", "location"),
    [
        (
            {"calendar": {"timezone": "Mars/Olympus", "hours": {"mon": [["09:00", "17:00"]]}}},
            "timezone",
        ),
        ({"calendar": {"timezone": "UTC", "hours": {"mon": [["17:00", "09:00"]]}}}, "hours"),
        (
            {
                "calendar": {
                    "timezone": "UTC",
                    "hours": {"mon": [["09:00", "12:00"], ["11:00", "13:00"]]},
                }
            },
            "hours",
        ),
        ({"calendar": {"timezone": "UTC", "hours": {"mon": [["9:00", "12:00"]]}}}, "hours"),
        ({"calendar": {"timezone": "UTC", "hours": {}}}, "hours"),
        ({"calendar": "9to5"}, "calendar"),
        ({"targets": {"urgent": {"resolution_minutes": 0}}}, "resolution_minutes"),
        ({"targets": {"critical": {"resolution_minutes": 10}}}, "targets"),
        ({"pause_statuses": ["resolved"]}, "pause_statuses"),
        ({"warn_at": 1.0}, "warn_at"),
        ({"conditions": {"colour": ["red"]}}, "colour"),
        ({"name": ""}, "name"),
        ({"surprise": True}, "surprise"),
    ],
    ids=[
        "unknown-zone",
        "backwards-interval",
        "overlap",
        "loose-time",
        "no-hours",
        "unknown-calendar",
        "zero-minutes",
        "unknown-priority",
        "resolved-pauses",
        "warn-at-1",
        "unknown-condition",
        "empty-name",
        "unknown-field",
    ],
)
async def test_a_bad_policy_is_422_naming_the_field_and_writes_nothing(
    client: httpx.AsyncClient, headers: dict[str, str], change: dict[str, Any], location: str
) -> None:
    response = await client.post(POLICIES, json={**URGENT_24X7, **change}, headers=headers)
    assert response.status_code == 422, response.text
    assert any(location in map(str, error["loc"]) for error in response.json()["detail"])
    assert (await client.get(POLICIES, headers=headers)).json() == {"policies": []}


async def test_a_patch_is_checked_whole_and_nulls_are_refused(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    policy = await create_policy(client, headers)
    url = f"{POLICIES}/{policy['id']}"
    for body in ({"name": None}, {"warn_at": 0}, {"calendar": {"timezone": "UTC"}}):
        response = await client.patch(url, json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
    empty = await client.patch(url, json={}, headers=headers)
    assert empty.status_code == 400
    assert (await client.get(url, headers=headers)).json() == policy


async def test_scopes_and_tenants(
    client: httpx.AsyncClient, headers: dict[str, str], make_key: KeyFactory
) -> None:
    policy = await create_policy(client, headers)
    reader = {"X-API-Key": await make_key(scopes=(Scope.CONFIG_READ,))}
    assert (await client.get(POLICIES, headers=reader)).status_code == 200
    refused = await client.post(POLICIES, json=URGENT_24X7, headers=reader)
    assert refused.status_code == 403
    other = {"X-API-Key": await make_key(tenant="globex")}
    assert (await client.get(POLICIES, headers=other)).json() == {"policies": []}
    foreign = await client.get(f"{POLICIES}/{policy['id']}", headers=other)
    assert foreign.status_code == 404


async def test_a_ticket_carries_its_sla_and_a_public_reply_is_its_first_response(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    policy = await create_policy(client, headers)
    plain = await create_ticket(priority="low")
    assert plain["sla"] is None

    ticket = await create_ticket(priority="urgent")
    sla = ticket["sla"]
    created = parse(ticket["created_at"])
    assert sla["policy_id"] == policy["id"]
    assert parse(sla["first_response_due_at"]) == created + timedelta(minutes=30)
    assert parse(sla["resolution_due_at"]) == created + timedelta(minutes=240)
    assert (sla["paused"], sla["breached"], sla["first_responded_at"]) == (False, [], None)

    url = f"/api/v1/tickets/{ticket['id']}"
    await client.post(f"{url}/notes", json={"body": "looking", "private": True}, headers=headers)
    assert (await client.get(url, headers=headers)).json()["sla"]["first_responded_at"] is None
    reply = await client.post(
        f"{url}/notes", json={"body": "On it", "private": False}, headers=headers
    )
    after = (await client.get(url, headers=headers)).json()
    assert after["sla"]["first_responded_at"] == reply.json()["created_at"]

    paused = (await client.patch(url, json={"status": "pending"}, headers=headers)).json()
    assert paused["sla"]["paused"] is True
    assert paused["sla"]["resolution_due_at"] is None
    resolved = (await client.patch(url, json={"status": "resolved"}, headers=headers)).json()
    assert resolved["sla"]["resolved_at"] == resolved["updated_at"]
    assert resolved["sla"]["paused"] is False


async def test_list_filters_and_orders_by_sla(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, database: Database
) -> None:
    await create_policy(client, headers)
    late = await create_ticket(priority="urgent", subject="late")
    soon = await create_ticket(priority="urgent", subject="soon")
    none = await create_ticket(priority="low", subject="none")
    await move_back(database, late["id"], timedelta(hours=5))
    await client.patch(
        f"/api/v1/tickets/{late['id']}", json={"metadata": {"x": 1}}, headers=headers
    )

    async def subjects(query: str) -> list[str]:
        response = await client.get(f"/api/v1/tickets?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [ticket["subject"] for ticket in response.json()["tickets"]]

    assert await subjects("sla_breached=true") == ["late"]
    assert await subjects("sla_breached=false") == ["soon"]
    in_an_hour = (datetime.now(UTC) + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert await subjects(f"sla_due_before={in_an_hour}") == ["soon", "late"]
    assert await subjects("order=sla_due") == ["late", "soon", "none"]
    assert none["sla"] is None
    refused = await client.get("/api/v1/tickets?order=sla_due&cursor=abc", headers=headers)
    assert refused.status_code == 422
    bad = await client.get("/api/v1/tickets?sla_due_before=soon", headers=headers)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "sla_due_before"]
    listed = await client.get("/api/v1/tickets?sla_breached=true", headers=headers)
    assert listed.json()["tickets"][0]["sla"]["breached"] == ["first_response", "resolution"]
    assert soon["sla"]["breached"] == []


async def test_warning_and_breach_fire_once_when_due_and_move_with_the_due_time(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    create_ticket: Any,
    database: Database,
    drained: Drain,
) -> None:
    await create_policy(client, headers)
    ticket = await create_ticket(priority="urgent")
    url = f"/api/v1/tickets/{ticket['id']}"
    await drained()
    assert await _sla_events(client, headers, url) == []  # nothing due yet

    # 25 minutes in: past the first response's warning (22.5), before its breach (30).
    await move_back(database, ticket["id"], timedelta(minutes=25))
    await client.patch(url, json={"metadata": {"moved": True}}, headers=headers)
    await drained()
    assert await _sla_events(client, headers, url) == [("ticket.sla_warning", "first_response")]

    # Urgent → high would move the due times later (the policy has no high target: none).
    await move_back(database, ticket["id"], timedelta(minutes=10))
    await client.patch(url, json={"metadata": {"moved": 2}}, headers=headers)
    await drained()
    await drained()
    assert await _sla_events(client, headers, url) == [
        ("ticket.sla_warning", "first_response"),
        ("ticket.sla_breached", "first_response"),
    ]
    current = (await client.get(url, headers=headers)).json()
    assert current["sla"]["breached"] == ["first_response"]


async def test_a_paused_ticket_does_not_breach(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    create_ticket: Any,
    database: Database,
    drained: Drain,
) -> None:
    await create_policy(client, headers)
    ticket = await create_ticket(priority="urgent")
    url = f"/api/v1/tickets/{ticket['id']}"
    await client.patch(url, json={"status": "pending"}, headers=headers)
    await move_back(database, ticket["id"], timedelta(hours=6))
    await client.patch(url, json={"metadata": {"moved": True}}, headers=headers)
    await drained()
    assert await _sla_events(client, headers, url) == []
    assert (await client.get(url, headers=headers)).json()["sla"]["breached"] == []


async def _sla_events(
    client: httpx.AsyncClient, headers: dict[str, str], url: str
) -> list[tuple[str, str]]:
    events = (await client.get(f"{url}/history?limit=100", headers=headers)).json()["events"]
    return [
        (event["type"], event["sla_target"])
        for event in events
        if event["type"].startswith("ticket.sla_")
    ]


async def test_the_report_counts_met_breached_and_at_risk(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    create_ticket: Any,
    database: Database,
    drained: Drain,
) -> None:
    targets = {
        "urgent": {"first_response_minutes": 30, "resolution_minutes": 240},
        "high": {"resolution_minutes": 240},
    }
    policy = await create_policy(
        client, headers, conditions={"priority": ["urgent", "high"]}, targets=targets
    )
    met = await create_ticket(priority="urgent")
    met_url = f"/api/v1/tickets/{met['id']}"
    await client.post(f"{met_url}/notes", json={"body": "hi", "private": False}, headers=headers)
    await client.patch(met_url, json={"status": "resolved"}, headers=headers)
    breached = await create_ticket(priority="urgent")
    await move_back(database, breached["id"], timedelta(hours=5))
    await client.patch(
        f"/api/v1/tickets/{breached['id']}", json={"metadata": {"a": 1}}, headers=headers
    )
    at_risk = await create_ticket(priority="high")  # 200 of 240 minutes: past the warning
    await move_back(database, at_risk["id"], timedelta(minutes=200))
    await client.patch(
        f"/api/v1/tickets/{at_risk['id']}", json={"metadata": {"a": 1}}, headers=headers
    )
    await create_ticket(priority="low")
    await drained()

    response = await client.get("/api/v1/reports/sla?group_by=policy", headers=headers)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["group_by"] == "policy"
    assert {"from", "to"} <= report.keys()
    (group,) = report["groups"]
    assert group["key"] == policy["id"]
    assert (group["tickets"], group["met"], group["breached"], group["open_at_risk"]) == (
        3,
        1,
        1,
        1,
    )
    assert group["first_response_minutes"]["median"] is not None
    assert group["resolution_minutes"]["p90"] is not None

    by_priority = (
        await client.get("/api/v1/reports/sla?group_by=priority", headers=headers)
    ).json()
    assert [g["key"] for g in by_priority["groups"]] == ["high", "urgent"]
    past = await client.get("/api/v1/reports/sla?from=2020-01-01&to=2020-01-31", headers=headers)
    assert past.json()["groups"] == []
    backwards = await client.get(
        "/api/v1/reports/sla?from=2026-02-01&to=2026-01-01", headers=headers
    )
    assert backwards.status_code == 422


@pytest.mark.parametrize(
    "raw",
    [
        '{"name": "n", "targets": {}, "conditions": {"custom_fields": {"x": [NaN]}}}',
        '{"name": "n", "targets": {}, "conditions": {"custom_fields": {"x": [1e309]}}}',
        '{"name": "n", "targets": {}, "conditions": {"requester_domain": ["a\\u0000b"]}}',
        '{"name": "n", "targets": {}, "calendar": {"timezone": "\\u0000", "hours": {}}}',
        '{"name": "n", "targets": {}, "calendar": {"timezone": "../../etc/passwd", '
        '"hours": {"mon": [["09:00", "17:00"]]}}}',
    ],
    ids=["nan", "infinity", "nul-domain", "nul-zone", "path-zone"],
)
async def test_values_no_database_can_store_are_422(
    client: httpx.AsyncClient, headers: dict[str, str], raw: str
) -> None:
    response = await client.post(
        POLICIES, content=raw, headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text

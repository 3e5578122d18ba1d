"""The console's admin pages: users, groups (with round-robin) and triage settings."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import UserFactory
from tests.console.helpers import csrf_of, sign_in


async def _admin(client: httpx.AsyncClient, make_user: UserFactory) -> str:
    await make_user(email="admin@example.com", role="admin", name="Ann Admin")
    await sign_in(client, "admin@example.com")
    return await csrf_of(client, "/console/admin/users")


async def test_an_admin_adds_a_user_who_can_then_sign_in(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    token = await _admin(client, make_user)

    added = await client.post(
        "/console/admin/users",
        data={
            "csrf_token": token,
            "email": "New@Example.com",
            "name": "Nia",
            "role": "agent",
            "password": "a long enough one",
        },
    )
    short = await client.post(
        "/console/admin/users",
        data={"csrf_token": token, "email": "x@example.com", "role": "agent", "password": "short"},
    )

    assert added.status_code == 303
    assert short.status_code == 422
    assert "at least 8 characters" in short.text
    users = (await client.get("/api/v1/users", headers=headers)).json()["users"]
    assert [u["email"] for u in users] == ["admin@example.com", "new@example.com"]
    client.cookies.clear()
    assert (await sign_in(client, "new@example.com", "a long enough one")).status_code == 303


async def test_disabling_a_user_signs_them_out(
    client: httpx.AsyncClient, make_user: UserFactory, app: FastAPI
) -> None:
    agent = await make_user(email="agent@example.com")
    token = await _admin(client, make_user)
    transport = httpx.ASGITransport(app=app)  # the same app, another browser
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as other:
        await sign_in(other, "agent@example.com")
        assert (await other.get("/console/")).status_code == 200

        response = await client.post(
            f"/console/admin/users/{agent}/active", data={"csrf_token": token, "active": "false"}
        )

        assert response.status_code == 303
        assert (await other.get("/console/")).status_code == 303
        assert (await sign_in(other, "agent@example.com")).status_code == 401


async def test_groups_with_round_robin_from_the_console(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    agent = await make_user(email="agent@example.com")
    token = await _admin(client, make_user)

    await client.post(
        "/console/admin/groups",
        data={"csrf_token": token, "name": "Desk", "member_ids": [str(agent)], "round_robin": "on"},
    )

    groups = (await client.get("/api/v1/groups", headers=headers)).json()["groups"]
    assert [(g["name"], g["member_ids"], g["round_robin"]) for g in groups] == [
        ("Desk", [str(agent)], True)
    ]
    ticket = await client.post(
        "/api/v1/tickets",
        headers=headers,
        json={"subject": "Mouse", "description": "Broken", "group_id": groups[0]["id"]},
    )
    assert ticket.json()["assignee_id"] == str(agent)


async def test_triage_settings_from_the_console(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    token = await _admin(client, make_user)
    group = (await client.post("/api/v1/groups", headers=headers, json={"name": "Net"})).json()

    saved = await client.post(
        "/console/admin/triage",
        data={
            "csrf_token": token,
            "categories": "Network\nHardware\nSecurity",
            "auto_routing": "on",
            "threshold": "0.9",
            "engine": "local",
            "never:Security": "on",
            "group:Network": group["id"],
        },
    )
    bad = await client.post(
        "/console/admin/triage",
        data={"csrf_token": token, "categories": "Network", "threshold": "2"},
    )

    assert saved.status_code == 303
    config = (await client.get("/api/v1/configuration/triage", headers=headers)).json()
    assert config["categories"] == ["Network", "Hardware", "Security"]
    assert config["auto_routing"] is True
    assert config["threshold"] == 0.9
    assert config["never_auto_resolve"] == ["Security"]
    assert config["category_groups"] == {"Network": group["id"]}
    assert bad.status_code == 422
    assert "threshold" in bad.text
    page = await client.get("/console/admin/triage")
    assert 'name="group:Network"' in page.text


@pytest.mark.parametrize(
    "look_alike",
    ["\uff41dmin@example.com", "adm\u0131n@example.com", "\u0430dmin@example.com"],
    ids=["full-width-a", "dotless-i", "cyrillic-a"],
)
async def test_an_address_that_looks_like_a_users_is_refused(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory, look_alike: str
) -> None:
    token = await _admin(client, make_user)

    refused = await client.post(
        "/console/admin/users",
        data={
            "csrf_token": token,
            "email": look_alike,
            "name": "Mallory",
            "role": "admin",
            "password": "a long enough one",
        },
    )

    assert refused.status_code == 422
    assert "looks like the existing user admin@example.com" in refused.text
    users = (await client.get("/api/v1/users", headers=headers)).json()["users"]
    assert [u["email"] for u in users] == ["admin@example.com"]

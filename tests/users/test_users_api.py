"""/api/v1/users and /api/v1/groups: what integrations read to assign, per tenant."""

from __future__ import annotations

import uuid

import httpx

from tests.conftest import KeyFactory, UserFactory


async def test_users_are_listed_by_address_without_secrets(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    agent = await make_user(email="Zed@Example.com", name="Zed")
    admin = await make_user(email="amy@example.com", role="admin")
    await make_user(tenant="other", email="bob@example.com")

    response = await client.get("/api/v1/users", headers=headers)

    assert response.status_code == 200
    body = response.json()
    assert [user["email"] for user in body["users"]] == ["amy@example.com", "zed@example.com"]
    assert body["total"] == 2
    assert {user["id"] for user in body["users"]} == {str(agent), str(admin)}
    assert "password_hash" not in body["users"][0]
    assert "argon2" not in response.text


async def test_users_filter_by_role_and_state(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    await make_user(email="a@example.com", role="admin")
    await make_user(email="b@example.com")
    await make_user(email="c@example.com", active=False)

    admins = await client.get("/api/v1/users?role=admin", headers=headers)
    disabled = await client.get("/api/v1/users?active=false", headers=headers)

    assert [user["email"] for user in admins.json()["users"]] == ["a@example.com"]
    assert [user["email"] for user in disabled.json()["users"]] == ["c@example.com"]


async def test_another_tenants_user_is_not_found(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    foreign = await make_user(tenant="other")
    own = await make_user(email="own@example.com")

    assert (await client.get(f"/api/v1/users/{own}", headers=headers)).status_code == 200
    response = await client.get(f"/api/v1/users/{foreign}", headers=headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "User not found"}


async def test_groups_are_created_listed_renamed_and_refilled(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    first = await make_user(email="one@example.com")
    second = await make_user(email="two@example.com")

    created = await client.post(
        "/api/v1/groups", headers=headers, json={"name": "Network", "member_ids": [str(first)]}
    )
    assert created.status_code == 201
    group = created.json()
    assert group["name"] == "Network"
    assert group["member_ids"] == [str(first)]

    patched = await client.patch(
        f"/api/v1/groups/{group['id']}",
        headers=headers,
        json={"name": "Networks", "member_ids": [str(second), str(first)]},
    )
    assert patched.status_code == 200
    assert patched.json()["name"] == "Networks"
    assert sorted(patched.json()["member_ids"]) == sorted([str(first), str(second)])

    listed = await client.get("/api/v1/groups", headers=headers)
    assert [g["name"] for g in listed.json()["groups"]] == ["Networks"]
    fetched = await client.get(f"/api/v1/groups/{group['id']}", headers=headers)
    assert fetched.json() == patched.json()


async def test_a_group_name_is_taken_once_per_tenant(
    client: httpx.AsyncClient, headers: dict[str, str], make_key: KeyFactory
) -> None:
    other = {"X-API-Key": await make_key(tenant="other")}
    assert (
        await client.post("/api/v1/groups", headers=headers, json={"name": "L1"})
    ).status_code == 201
    again = await client.post("/api/v1/groups", headers=headers, json={"name": "L1"})
    assert again.status_code == 409
    assert again.json() == {"detail": "A group with that name already exists"}
    assert (
        await client.post("/api/v1/groups", headers=other, json={"name": "L1"})
    ).status_code == 201


async def test_a_member_of_another_tenant_is_refused_and_nothing_is_written(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    foreign = await make_user(tenant="other")

    response = await client.post(
        "/api/v1/groups", headers=headers, json={"name": "L2", "member_ids": [str(foreign)]}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "member_ids", "0"]
    assert (await client.get("/api/v1/groups", headers=headers)).json()["total"] == 0


async def test_another_tenants_group_is_not_found(
    client: httpx.AsyncClient, headers: dict[str, str], make_key: KeyFactory
) -> None:
    other = {"X-API-Key": await make_key(tenant="other")}
    group = (await client.post("/api/v1/groups", headers=other, json={"name": "X"})).json()

    for method in ("GET", "PATCH"):
        response = await client.request(
            method, f"/api/v1/groups/{group['id']}", headers=headers, json={"name": "Y"}
        )
        assert response.status_code == 404
        assert response.json() == {"detail": "Group not found"}


async def test_an_empty_group_patch_is_400(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    group = (await client.post("/api/v1/groups", headers=headers, json={"name": "X"})).json()
    response = await client.patch(f"/api/v1/groups/{group['id']}", headers=headers, json={})
    assert response.status_code == 400


async def test_unknown_group_is_404(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.get(f"/api/v1/groups/{uuid.uuid4()}", headers=headers)
    assert response.status_code == 404

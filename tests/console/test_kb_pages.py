"""The console's knowledge-base pages: the same service as /api/v1/kb/articles."""

from __future__ import annotations

import re

import httpx

from tests.conftest import KeyFactory, UserFactory
from tests.console.helpers import csrf_of, sign_in


async def _agent(client: httpx.AsyncClient, make_user: UserFactory) -> str:
    await make_user(email="agent@example.com")
    await sign_in(client, "agent@example.com")
    return await csrf_of(client, "/console/kb")


async def test_an_agent_writes_finds_edits_and_deletes_an_article(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    token = await _agent(client, make_user)

    created = await client.post(
        "/console/kb",
        data={
            "csrf_token": token,
            "title": "Reset the VPN",
            "body": "Disconnect, then sign in again.",
            "category": "Network",
            "tags": "vpn, remote, vpn",
        },
    )
    assert created.status_code == 303
    article_id = created.headers["location"].rsplit("/", 1)[1]
    api = (await client.get(f"/api/v1/kb/articles/{article_id}", headers=headers)).json()
    assert (api["title"], api["category"], api["tags"]) == (
        "Reset the VPN",
        "Network",
        ["vpn", "remote"],
    )

    assert "Reset the VPN" in (await client.get("/console/kb?search=vpn+RESET")).text
    assert "Reset the VPN" not in (await client.get("/console/kb?search=printer")).text

    edited = await client.post(
        f"/console/kb/{article_id}",
        data={
            "csrf_token": token,
            "title": "Reset the VPN client",
            "body": "Disconnect.",
            "category": "",
        },
    )
    assert edited.status_code == 303
    api = (await client.get(f"/api/v1/kb/articles/{article_id}", headers=headers)).json()
    assert (api["title"], api["category"], api["tags"]) == ("Reset the VPN client", None, [])

    deleted = await client.post(f"/console/kb/{article_id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    gone = await client.get(f"/api/v1/kb/articles/{article_id}", headers=headers)
    assert gone.status_code == 404


async def test_an_empty_title_is_refused_with_the_reason(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory
) -> None:
    token = await _agent(client, make_user)

    response = await client.post(
        "/console/kb", data={"csrf_token": token, "title": "", "body": "Something"}
    )

    assert response.status_code == 422
    assert "title" in response.text
    listed = await client.get("/api/v1/kb/articles", headers=headers)
    assert listed.json()["total"] == 0


async def test_another_tenants_article_is_404_and_text_is_escaped(
    client: httpx.AsyncClient, make_user: UserFactory, make_key: KeyFactory
) -> None:
    token = await _agent(client, make_user)
    other = {"X-API-Key": await make_key(tenant="other")}
    theirs = await client.post(
        "/api/v1/kb/articles", headers=other, json={"title": "Theirs", "body": "Private."}
    )
    await client.post(
        "/console/kb",
        data={"csrf_token": token, "title": "<script>x()</script>", "body": "<b>bold</b>"},
    )

    assert (await client.get(f"/console/kb/{theirs.json()['id']}")).status_code == 404
    listing = (await client.get("/console/kb")).text
    assert "Theirs" not in listing
    assert "<script>x()" not in listing
    assert re.search(r"&lt;script&gt;x\(\)&lt;/script&gt;", listing)

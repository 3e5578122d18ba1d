"""/api/v1/kb/articles: create, list, get, update, delete; scopes and tenant isolation."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from servicedesk.auth.scopes import Scope
from tests.conftest import KeyFactory
from tests.triage.conftest import VPN_ARTICLE

URL = "/api/v1/kb/articles"
Headers = dict[str, str]


async def create(client: httpx.AsyncClient, headers: Headers, **body: Any) -> dict[str, Any]:
    response = await client.post(URL, json={**VPN_ARTICLE, **body}, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_create_returns_the_article_and_get_reads_it(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    article = await create(client, headers, tags=["vpn", "vpn", "remote"])
    assert set(article) == {"id", "title", "body", "category", "tags", "created_at", "updated_at"}
    assert article["title"] == VPN_ARTICLE["title"]
    assert article["tags"] == ["vpn", "remote"]
    uuid.UUID(article["id"])
    response = await client.get(f"{URL}/{article['id']}", headers=headers)
    assert response.status_code == 200
    assert response.json() == article


async def test_list_is_newest_first_with_total_paging_and_category_filter(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    first = await create(client, headers, title="one")
    second = await create(client, headers, title="two", category="Printing")
    third = await create(client, headers, title="three", category=None)
    page = (await client.get(URL, params={"limit": 2}, headers=headers)).json()
    assert [a["id"] for a in page["articles"]] == [third["id"], second["id"]]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    rest = (await client.get(URL, params={"limit": 2, "offset": 2}, headers=headers)).json()
    assert [a["id"] for a in rest["articles"]] == [first["id"]]
    printing = (await client.get(URL, params={"category": "Printing"}, headers=headers)).json()
    assert [a["id"] for a in printing["articles"]] == [second["id"]]
    assert printing["total"] == 1


async def test_patch_changes_only_the_given_fields(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    article = await create(client, headers)
    response = await client.patch(
        f"{URL}/{article['id']}", json={"body": "New answer.", "category": None}, headers=headers
    )
    assert response.status_code == 200
    updated = response.json()
    assert updated["body"] == "New answer."
    assert updated["category"] is None
    assert updated["title"] == article["title"]
    assert updated["updated_at"] > article["updated_at"]
    empty = await client.patch(f"{URL}/{article['id']}", json={}, headers=headers)
    assert empty.status_code == 400


@pytest.mark.parametrize("field", ["title", "body", "tags"])
async def test_patch_refuses_null_for_a_required_field_and_changes_nothing(
    client: httpx.AsyncClient, headers: Headers, field: str
) -> None:
    article = await create(client, headers)

    response = await client.patch(
        f"{URL}/{article['id']}", json={field: None, "category": "Other"}, headers=headers
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert (await client.get(f"{URL}/{article['id']}", headers=headers)).json() == article


async def test_delete_removes_it(client: httpx.AsyncClient, headers: Headers) -> None:
    article = await create(client, headers)
    assert (await client.delete(f"{URL}/{article['id']}", headers=headers)).status_code == 204
    response = await client.get(f"{URL}/{article['id']}", headers=headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Article not found"}
    assert (await client.delete(f"{URL}/{article['id']}", headers=headers)).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"title": "", "body": "x"},
        {"title": "t"},
        {"title": "t" * 256, "body": "x"},
        {"title": "t", "body": "x" * 65_537},
        {"title": "t", "body": "x", "tags": ["a"] * 21},
        {"title": "t", "body": "x", "tags": [""]},
        {"title": "t\u0000", "body": "x"},
    ],
)
async def test_invalid_articles_are_422_and_nothing_is_stored(
    client: httpx.AsyncClient, headers: Headers, body: dict[str, Any]
) -> None:
    response = await client.post(URL, json=body, headers=headers)
    assert response.status_code == 422
    assert (await client.get(URL, headers=headers)).json()["total"] == 0


async def test_reading_needs_kb_read_and_writing_kb_write(
    client: httpx.AsyncClient, headers: Headers, make_key: KeyFactory
) -> None:
    article = await create(client, headers)
    reader = {"X-API-Key": await make_key(scopes=(Scope.KB_READ,))}
    writer_only = {"X-API-Key": await make_key(scopes=(Scope.KB_WRITE,))}
    assert (await client.get(f"{URL}/{article['id']}", headers=reader)).status_code == 200
    for method, path, body in [
        ("POST", URL, VPN_ARTICLE),
        ("PATCH", f"{URL}/{article['id']}", {"title": "x"}),
        ("DELETE", f"{URL}/{article['id']}", None),
    ]:
        response = await client.request(method, path, json=body, headers=reader)
        assert response.status_code == 403
        assert response.json()["message"] == "API key lacks required scope: kb:write"
    for path in (URL, f"{URL}/{article['id']}"):
        response = await client.get(path, headers=writer_only)
        assert response.status_code == 403
        assert response.json()["message"] == "API key lacks required scope: kb:read"


async def test_another_tenants_articles_are_404_and_never_listed(
    client: httpx.AsyncClient, headers: Headers, make_key: KeyFactory
) -> None:
    article = await create(client, headers)
    other = {"X-API-Key": await make_key(tenant="globex")}
    path = f"{URL}/{article['id']}"
    assert (await client.get(path, headers=other)).status_code == 404
    assert (await client.patch(path, json={"title": "x"}, headers=other)).status_code == 404
    assert (await client.delete(path, headers=other)).status_code == 404
    assert (await client.get(URL, headers=other)).json()["total"] == 0
    assert (await client.get(path, headers=headers)).json() == article


async def test_another_tenants_articles_never_answer_our_tickets(
    client: httpx.AsyncClient, headers: Headers, make_key: KeyFactory
) -> None:
    other = {"X-API-Key": await make_key(tenant="globex")}
    await create(client, other)
    response = await client.post(
        "/api/v1/tickets",
        json={"subject": "VPN will not connect", "description": "vpn remote access fails"},
        headers=headers,
    )
    assert response.status_code == 201
    assert response.json()["ai_suggested_response"] is None


async def test_search_finds_articles_with_every_word_literally(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    for title, body in [
        ("Reset the VPN", "Disconnect, then sign in again."),
        ("Printer jams", "Open tray 2 and remove the paper."),
        ("Discounts", "50% off_site licences."),
    ]:
        created = await client.post(
            "/api/v1/kb/articles", headers=headers, json={"title": title, "body": body}
        )
        assert created.status_code == 201

    async def titles(search: str) -> list[str]:
        response = await client.get(
            "/api/v1/kb/articles", params={"search": search}, headers=headers
        )
        assert response.status_code == 200
        return [article["title"] for article in response.json()["articles"]]

    assert await titles("vpn SIGN") == ["Reset the VPN"]
    assert await titles("tray printer") == ["Printer jams"]
    assert await titles("%") == ["Discounts"]
    assert await titles("o_f") == []  # `_` is a character, not a wildcard ("off")
    assert await titles("off_site") == ["Discounts"]
    assert await titles("vpn printer") == []

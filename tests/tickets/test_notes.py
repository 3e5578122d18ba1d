"""POST and GET /api/v1/tickets/{id}/notes: bodies, order, paging, validation, scopes,
tenants."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from servicedesk.auth.scopes import Scope


def notes_url(ticket_id: str) -> str:
    return f"/api/v1/tickets/{ticket_id}/notes"


async def test_a_note_is_201_with_its_body_and_moves_the_ticket(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, api_key: str
) -> None:
    ticket = await create_ticket()
    response = await client.post(
        notes_url(ticket["id"]), json={"body": "Rebooted the router."}, headers=headers
    )

    assert response.status_code == 201
    note = response.json()
    assert set(note) == {
        "id",
        "ticket_id",
        "body",
        "private",
        "author",
        "created_at",
        "attachments",
    }
    assert note["attachments"] == []
    assert uuid.UUID(note["id"])
    assert note["ticket_id"] == ticket["id"]
    assert note["body"] == "Rebooted the router."
    assert note["private"] is True
    assert note["author"].startswith("key_")
    assert note["created_at"].endswith("Z")
    after = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert after["updated_at"] > ticket["updated_at"]


async def test_notes_list_oldest_first_with_the_envelope_and_paging(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()
    for n in range(5):
        body = {"body": f"note {n}", "private": n % 2 == 0}
        assert (
            await client.post(notes_url(ticket["id"]), json=body, headers=headers)
        ).status_code == 201

    everything = (await client.get(notes_url(ticket["id"]), headers=headers)).json()
    assert [n["body"] for n in everything["notes"]] == [f"note {n}" for n in range(5)]
    assert [n["private"] for n in everything["notes"]] == [True, False, True, False, True]
    assert (everything["total"], everything["limit"], everything["offset"]) == (5, 20, 0)
    page = (
        await client.get(notes_url(ticket["id"]), params={"limit": 2, "offset": 2}, headers=headers)
    ).json()
    assert [n["body"] for n in page["notes"]] == ["note 2", "note 3"]
    assert page["total"] == 5


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"body": ""},
        {"body": "x" * 65_537},
        {"body": "nul\u0000"},
        {"body": "x", "private": "maybe"},
        {"body": " \n\t "},
        {"body": "\u00a0\u2003"},
    ],
)
async def test_invalid_notes_are_422_and_write_nothing(
    body: dict[str, Any], client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()
    response = await client.post(notes_url(ticket["id"]), json=body, headers=headers)
    assert response.status_code == 422
    listed = (await client.get(notes_url(ticket["id"]), headers=headers)).json()
    assert listed["total"] == 0


async def test_the_longest_note_is_accepted(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()
    response = await client.post(
        notes_url(ticket["id"]), json={"body": "x" * 65_536}, headers=headers
    )
    assert response.status_code == 201


async def test_unknown_and_foreign_tickets_are_404(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, make_key: Any
) -> None:
    ticket = await create_ticket()
    foreign = {"X-API-Key": await make_key(tenant="other")}
    for url in (notes_url(ticket["id"]), notes_url(str(uuid.uuid4()))):
        posted = await client.post(
            url, json={"body": "hi"}, headers=foreign if url == notes_url(ticket["id"]) else headers
        )
        assert posted.status_code == 404
        assert posted.json() == {"detail": "Ticket not found"}
    assert (await client.get(notes_url(ticket["id"]), headers=foreign)).status_code == 404
    assert (await client.get(notes_url("not-a-uuid"), headers=headers)).status_code == 422
    listed = (await client.get(notes_url(ticket["id"]), headers=headers)).json()
    assert listed["total"] == 0


async def test_scopes(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, make_key: Any
) -> None:
    ticket = await create_ticket()
    reader = {"X-API-Key": await make_key(scopes=(Scope.TICKETS_READ,))}
    writer = {"X-API-Key": await make_key(scopes=(Scope.TICKETS_WRITE,))}
    denied = await client.post(notes_url(ticket["id"]), json={"body": "x"}, headers=reader)
    assert denied.status_code == 403
    assert denied.json()["message"] == "API key lacks required scope: tickets:write"
    assert (await client.get(notes_url(ticket["id"]), headers=writer)).status_code == 403
    assert (await client.get(notes_url(ticket["id"]), headers=reader)).status_code == 200
    assert (
        await client.post(notes_url(ticket["id"]), json={"body": "x"}, headers=writer)
    ).status_code == 201
    no_key = await client.get(notes_url(ticket["id"]))
    assert no_key.status_code == 401
    wrong_type = await client.post(
        notes_url(ticket["id"]), content=b"body=x", headers={**writer, "Content-Type": "text/plain"}
    )
    assert wrong_type.status_code == 415

"""Optimistic concurrency (tickets.versions): every ticket answer carries its version as
an `ETag`; a PATCH or a note with a stale `If-Match` is 412 with the ticket as it now is
and writes nothing; without `If-Match` a write goes ahead as the seed contract says."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.conftest import SEED_CREATE


async def _created(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    response = await client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers)
    assert response.status_code == 201
    return response


def _etag_of(ticket: dict[str, Any]) -> str:
    return f'"{ticket["updated_at"]}"'


async def test_every_ticket_answer_carries_its_version(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    created = await _created(client, headers)
    url = f"/api/v1/tickets/{created.json()['id']}"
    got = await client.get(url, headers=headers)
    patched = await client.patch(url, json={"priority": "high"}, headers=headers)

    for answer in (created, got, patched):
        assert answer.headers["ETag"] == _etag_of(answer.json())
    assert got.headers["ETag"] == created.headers["ETag"]
    assert patched.headers["ETag"] != got.headers["ETag"]


async def test_a_patch_with_a_stale_version_is_412_and_writes_nothing(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    created = await _created(client, headers)
    url = f"/api/v1/tickets/{created.json()['id']}"
    shown = created.headers["ETag"]
    carol = await client.patch(
        url, json={"priority": "urgent", "status": "open"}, headers={**headers, "If-Match": shown}
    )

    bob = await client.patch(url, json={"priority": "low"}, headers={**headers, "If-Match": shown})

    assert carol.status_code == 200
    assert bob.status_code == 412
    assert bob.json() == carol.json()
    assert bob.headers["ETag"] == carol.headers["ETag"]
    now = (await client.get(url, headers=headers)).json()
    assert (now["priority"], now["status"]) == ("urgent", "open")
    history = (await client.get(f"{url}/history", headers=headers)).json()
    assert [e["type"] for e in history["events"]].count("ticket.updated") == 1


@pytest.mark.parametrize(
    ("if_match", "status"),
    [
        (None, 200),
        ("*", 200),
        ("current", 200),
        ('"stale", current', 200),
        ("weak", 412),
        ('"2001-01-01T00:00:00Z"', 412),
        ("", 412),
    ],
)
async def test_which_if_match_values_let_a_patch_through(
    client: httpx.AsyncClient, headers: dict[str, str], if_match: str | None, status: int
) -> None:
    created = await _created(client, headers)
    current = created.headers["ETag"]
    sent = {
        "current": current,
        '"stale", current': f'"stale", {current}',
        "weak": f"W/{current}",
    }.get(if_match or "", if_match)
    extra = {} if sent is None else {"If-Match": sent}

    response = await client.patch(
        f"/api/v1/tickets/{created.json()['id']}",
        json={"priority": "high"},
        headers={**headers, **extra},
    )

    assert response.status_code == status, response.text


async def test_a_note_with_a_stale_version_is_412_and_is_not_stored(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    created = await _created(client, headers)
    url = f"/api/v1/tickets/{created.json()['id']}"
    stale = {**headers, "If-Match": created.headers["ETag"]}
    await client.patch(url, json={"status": "open"}, headers=headers)

    as_json = await client.post(f"{url}/notes", json={"body": "Done?"}, headers=stale)
    as_form = await client.post(
        f"{url}/notes",
        data={"body": "Done?"},
        files={"attachments": ("log.txt", b"x", "text/plain")},
        headers=stale,
    )
    current = {**headers, "If-Match": (await client.get(url, headers=headers)).headers["ETag"]}
    fresh = await client.post(f"{url}/notes", json={"body": "Now"}, headers=current)

    assert (as_json.status_code, as_form.status_code, fresh.status_code) == (412, 412, 201)
    assert as_json.json()["status"] == "open"
    notes = (await client.get(f"{url}/notes", headers=headers)).json()["notes"]
    assert [note["body"] for note in notes] == ["Now"]
    files = (await client.get(f"{url}/attachments", headers=headers)).json()["attachments"]
    assert files == []


async def test_of_two_writes_racing_on_one_version_one_wins(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    created = await _created(client, headers)
    url = f"/api/v1/tickets/{created.json()['id']}"
    shown = {**headers, "If-Match": created.headers["ETag"]}

    answers = await asyncio.gather(
        client.patch(url, json={"priority": "low"}, headers=shown),
        client.patch(url, json={"priority": "urgent"}, headers=shown),
        client.post(f"{url}/notes", json={"body": "racing"}, headers=shown),
    )

    assert sorted(answer.status_code for answer in answers) in ([200, 412, 412], [201, 412, 412])

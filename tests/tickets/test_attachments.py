"""Attachments through the API: a multipart note with files, the ticket's list, the
download (always a file, never a page), the size cap, tenants and scopes."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from servicedesk.auth.scopes import Scope
from servicedesk.config import Settings

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PAGE = b"<html><script>alert(document.cookie)</script></html>"


def notes_url(ticket_id: str) -> str:
    return f"/api/v1/tickets/{ticket_id}/notes"


async def _note_with_files(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    ticket_id: str,
    files: list[tuple[str, tuple[str, bytes, str]]],
    **fields: str,
) -> httpx.Response:
    return await client.post(
        notes_url(ticket_id), data={"body": "See attached.", **fields}, files=files, headers=headers
    )


async def test_a_multipart_note_carries_its_files_and_they_download_as_sent(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, settings: Settings
) -> None:
    ticket = await create_ticket()
    response = await _note_with_files(
        client,
        headers,
        ticket["id"],
        [
            ("attachments", ("screen.png", PNG, "image/png")),
            ("attachments[]", ("log.txt", b"line 1\nline 2\n", "text/plain; charset=utf-8")),
        ],
        private="false",
    )

    assert response.status_code == 201, response.text
    note = response.json()
    assert note["private"] is False
    assert [a["filename"] for a in note["attachments"]] == ["screen.png", "log.txt"]
    png, text = note["attachments"]
    assert png["content_type"] == "image/png"
    assert png["size"] == len(PNG)
    assert png["note_id"] == note["id"]
    assert png["ticket_id"] == ticket["id"]
    assert png["content_id"] is None
    assert text["content_type"] == "text/plain"
    assert png["content_url"] == f"/api/v1/attachments/{png['id']}"

    listed = await client.get(f"/api/v1/tickets/{ticket['id']}/attachments", headers=headers)
    assert listed.status_code == 200
    assert listed.json() == {"attachments": note["attachments"]}
    notes = (await client.get(notes_url(ticket["id"]), headers=headers)).json()["notes"]
    assert notes[0]["attachments"] == note["attachments"]

    download = await client.get(png["content_url"], headers=headers)
    assert download.status_code == 200
    assert download.content == PNG
    assert download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"] == 'attachment; filename="screen.png"'
    assert download.headers["x-content-type-options"] == "nosniff"
    # Kept once per tenant under its SHA-256, whoever sends it again.
    digest = hashlib.sha256(PNG).hexdigest()
    stored = list((settings.attachments_dir).rglob(digest))
    assert len(stored) == 1
    assert stored[0].read_bytes() == PNG


async def test_a_json_note_still_works_and_has_no_attachments(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()
    response = await client.post(notes_url(ticket["id"]), json={"body": "Hi"}, headers=headers)
    assert response.status_code == 201
    assert response.json()["attachments"] == []


async def test_an_html_file_is_never_served_as_a_page(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()
    note = (
        await _note_with_files(
            client, headers, ticket["id"], [("attachments", ("x.html", PAGE, "text/html"))]
        )
    ).json()

    download = await client.get(note["attachments"][0]["content_url"], headers=headers)

    assert download.content == PAGE
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in download.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\report.pdf", "report.pdf"),
        ("what:is*this?.txt", "what_is_this_.txt"),
        ("..", "attachment"),
        ("rapport été.pdf", "rapport été.pdf"),
        ("evil\u202egpj.exe", "evilgpj.exe"),  # showed as "evilexe.jpg"
        ("invoice\u2067.pdf\u2069.exe", "invoice.pdf.exe"),
        ("zero\u200bwidth\ufeff.txt", "zerowidth.txt"),
    ],
)
async def test_file_names_are_kept_safe(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    create_ticket: Any,
    sent: str,
    stored: str,
) -> None:
    ticket = await create_ticket()
    response = await _note_with_files(
        client, headers, ticket["id"], [("attachments", (sent, b"x", "application/x-weird"))]
    )
    assert response.status_code == 201, response.text
    (attachment,) = response.json()["attachments"]
    assert attachment["filename"] == stored
    download = await client.get(attachment["content_url"], headers=headers)
    assert download.headers["content-disposition"].startswith("attachment;")


async def test_a_file_past_the_cap_is_413_and_nothing_is_written(
    client_with: Any, headers: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    async with client_with(max_attachment_bytes=1000) as client:
        created = await client.post(
            "/api/v1/tickets",
            json={"subject": "s", "description": "d", "requester_email": "a@b.example"},
            headers=headers,
        )
        ticket = created.json()
        response = await _note_with_files(
            client, headers, ticket["id"], [("attachments", ("big.bin", b"x" * 1001, "a/b"))]
        )
        assert response.status_code == 413
        assert response.json() == {"detail": "Attachment too large (limit 1000 bytes)"}
        notes = (await client.get(notes_url(ticket["id"]), headers=headers)).json()
        assert notes["total"] == 0
        assert not [p for p in settings.attachments_dir.rglob("*") if p.is_file()]


async def test_an_upload_body_past_max_upload_bytes_is_413_but_json_keeps_its_own_limit(
    client_with: Any, headers: dict[str, str]
) -> None:
    async with client_with(max_body_bytes=2048, max_upload_bytes=8192) as client:
        created = await client.post(
            "/api/v1/tickets",
            json={"subject": "s", "description": "d", "requester_email": "a@b.example"},
            headers=headers,
        )
        url = notes_url(created.json()["id"])
        files = [("attachments", ("a.bin", b"x" * 4000, "application/octet-stream"))]
        allowed = await client.post(url, data={"body": "b"}, files=files, headers=headers)
        assert allowed.status_code == 201, allowed.text
        files = [("attachments", ("a.bin", b"x" * 9000, "application/octet-stream"))]
        refused = await client.post(url, data={"body": "b"}, files=files, headers=headers)
        assert refused.status_code == 413
        as_json = await client.post(url, json={"body": "x" * 4000}, headers=headers)
        assert as_json.status_code == 413


async def test_a_multipart_note_is_validated_like_a_json_one(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()
    files = [("attachments", ("a.txt", b"a", "text/plain"))]

    empty = await client.post(
        notes_url(ticket["id"]), data={"body": ""}, files=files, headers=headers
    )
    missing = await client.post(
        notes_url(ticket["id"]), data={"x": "y"}, files=files, headers=headers
    )

    assert empty.status_code == 422
    assert empty.json()["detail"][0]["loc"] == ["body", "body"]
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "body"]
    assert (await client.get(notes_url(ticket["id"]), headers=headers)).json()["total"] == 0


async def test_files_for_a_missing_ticket_are_404_and_not_kept(
    client: httpx.AsyncClient, headers: dict[str, str], settings: Settings
) -> None:
    response = await _note_with_files(
        client,
        headers,
        "00000000-0000-4000-8000-000000000000",
        [("attachments", ("a.txt", b"a", "text/plain"))],
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Ticket not found"}
    assert not settings.attachments_dir.exists() or not any(
        p.is_file() for p in settings.attachments_dir.rglob("*")
    )


async def test_another_tenant_cannot_list_or_download(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, make_key: Any
) -> None:
    ticket = await create_ticket()
    note = (
        await _note_with_files(
            client, headers, ticket["id"], [("attachments", ("a.txt", b"secret", "text/plain"))]
        )
    ).json()
    intruder = {"X-API-Key": await make_key(tenant="globex")}

    listed = await client.get(f"/api/v1/tickets/{ticket['id']}/attachments", headers=intruder)
    download = await client.get(note["attachments"][0]["content_url"], headers=intruder)

    assert listed.status_code == 404
    assert download.status_code == 404
    assert download.json() == {"detail": "Attachment not found"}


async def test_reading_needs_tickets_read_and_sending_files_tickets_write(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, make_key: Any
) -> None:
    ticket = await create_ticket()
    note = (
        await _note_with_files(
            client, headers, ticket["id"], [("attachments", ("a.txt", b"a", "text/plain"))]
        )
    ).json()
    writer_only = {"X-API-Key": await make_key(scopes=[Scope.TICKETS_WRITE])}
    reader_only = {"X-API-Key": await make_key(scopes=[Scope.TICKETS_READ])}

    download = await client.get(note["attachments"][0]["content_url"], headers=writer_only)
    upload = await _note_with_files(
        client, reader_only, ticket["id"], [("attachments", ("a.txt", b"a", "text/plain"))]
    )

    assert download.status_code == 403
    assert upload.status_code == 403

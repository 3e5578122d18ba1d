"""Files that come by mail: kept with the ticket a mail opens or the note a reply adds,
inline images with their Content-ID, one past the size cap left out with a line saying
so, and a message larger than the JSON body limit still taken."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import httpx

from tests.conftest import ClientFactory
from tests.email.conftest import SUPPORT, hand_in


def _mail(
    *, subject: str, files: list[tuple[str, bytes, str]], in_reply_to: str | None = None
) -> bytes:
    message = EmailMessage()
    message["From"] = "ana@customer.example"
    message["To"] = SUPPORT
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="customer.example")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    message.set_content("Details attached.")
    for name, data, content_type in files:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def message_id_of(raw: bytes) -> str:
    return str(message_from_bytes(raw, policy=policy.default)["Message-ID"])


async def _attachments(client: httpx.AsyncClient, headers: dict[str, str], ticket_id: str) -> Any:
    response = await client.get(f"/api/v1/tickets/{ticket_id}/attachments", headers=headers)
    assert response.status_code == 200
    return response.json()["attachments"]


async def test_files_of_a_new_mail_and_of_a_reply_are_kept_and_download(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    opened = _mail(subject="VPN drops", files=[("vpn.log", b"drop at 10:02\n", "text/plain")])
    taken = await hand_in(client, headers, opened)
    reply = _mail(
        subject="Re: VPN drops",
        files=[("trace.pcap", b"\xd4\xc3\xb2\xa1" + bytes(64), "application/vnd.tcpdump.pcap")],
        in_reply_to=message_id_of(opened),
    )
    joined = await hand_in(client, headers, reply)

    assert joined["ticket_id"] == taken["ticket_id"]
    files = await _attachments(client, headers, taken["ticket_id"])
    assert [(f["filename"], f["note_id"]) for f in files] == [
        ("vpn.log", None),
        ("trace.pcap", joined["note_id"]),
    ]
    log = await client.get(files[0]["content_url"], headers=headers)
    assert log.content == b"drop at 10:02\n"
    assert log.headers["content-disposition"] == 'attachment; filename="vpn.log"'


async def test_a_file_past_the_cap_is_left_out_with_a_line_and_the_rest_is_kept(
    client_with: ClientFactory, headers: dict[str, str]
) -> None:
    async with client_with(max_attachment_bytes=100) as client:
        raw = _mail(
            subject="Two files",
            files=[("small.txt", b"small", "text/plain"), ("big.bin", b"x" * 101, "a/b")],
        )
        taken = await hand_in(client, headers, raw)

        files = await _attachments(client, headers, taken["ticket_id"])
        ticket = (await client.get(f"/api/v1/tickets/{taken['ticket_id']}", headers=headers)).json()

    assert [f["filename"] for f in files] == ["small.txt"]
    assert ticket["description"] == (
        "Details attached.\n\n"
        "[Attachment 'big.bin' (101 bytes) was not kept: larger than 100 bytes]"
    )


async def test_a_message_larger_than_the_json_limit_is_taken(
    client_with: ClientFactory, headers: dict[str, str]
) -> None:
    big = bytes(range(256)) * 8192  # 2 MiB, twice the default JSON body limit
    async with client_with(max_body_bytes=1024 * 1024) as client:
        taken = await hand_in(
            client, headers, _mail(subject="Dump", files=[("dump.bin", big, "application/x-dump")])
        )
        files = await _attachments(client, headers, taken["ticket_id"])
        download = await client.get(files[0]["content_url"], headers=headers)

    assert files[0]["size"] == len(big)
    assert download.content == big

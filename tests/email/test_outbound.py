"""Mail to the requester through a real SMTP server on loopback: replies threaded into the
requester's conversation, the AI's answer marked automatic, nothing sent for private
notes, the requester's own mail or a program's mail, and an SMTP outage that loses
nothing and sends nothing twice."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select, update

from servicedesk.config import Settings
from servicedesk.db.database import Database
from servicedesk.email.outbound import MAIL_FILES_BYTES
from servicedesk.email.parse import REPLY_MARKER
from servicedesk.email.repository import thread_token
from servicedesk.jobs.models import JobState, OutboxJob
from servicedesk.tickets.models import Ticket
from tests.conftest import Drain, worker_on
from tests.email.conftest import configure, hand_in, mail
from tests.smtp_server import SmtpServer


async def _reply(
    client: httpx.AsyncClient, headers: dict[str, str], ticket_id: str, body: str, private: bool
) -> Any:
    response = await client.post(
        f"/api/v1/tickets/{ticket_id}/notes",
        json={"body": body, "private": private},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _text(message: Any) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())


def _html(message: Any) -> str:
    return str(message.get_body(preferencelist=("html",)).get_content())


async def test_a_public_reply_is_mailed_in_the_thread_and_the_answer_joins_the_ticket(
    client: httpx.AsyncClient, headers: dict[str, str], smtp: SmtpServer, drained: Drain
) -> None:
    await configure(client, headers)
    first = await hand_in(client, headers, mail(message_id="<in-1@customer.example>"))
    ticket_id = first["ticket_id"]

    await _reply(client, headers, ticket_id, "Reset it with <b>Menu → Reset</b>.", private=False)
    await drained()

    (sent,) = smtp.messages
    token = thread_token(uuid.UUID(ticket_id))
    assert smtp.envelopes == [("support@acme.example", ["ana@customer.example"])]
    assert sent["From"] == "Acme IT <support@acme.example>"
    assert sent["To"] == "ana@customer.example"
    assert sent["Subject"] == f"Re: Printer on floor 3 is jammed [#{token}]"
    assert sent["In-Reply-To"] == "<in-1@customer.example>"
    assert sent["References"] == "<in-1@customer.example>"
    assert sent["Auto-Submitted"] is None  # a person's reply
    assert _text(sent).startswith(REPLY_MARKER)
    assert "Reset it with <b>Menu → Reset</b>." in _text(sent)
    assert "&lt;b&gt;Menu → Reset&lt;/b&gt;" in _html(sent)
    assert "<b>" not in _html(sent)

    answer = mail(
        subject=f"Re: {sent['Subject']}",
        body=f"That worked, thanks!\n\n{REPLY_MARKER}\n\nReset it with ...",
        headers={"In-Reply-To": str(sent["Message-ID"])},
    )
    joined = await hand_in(client, headers, answer)
    await drained()

    assert joined["ticket_id"] == ticket_id
    notes = (await client.get(f"/api/v1/tickets/{ticket_id}/notes", headers=headers)).json()
    assert notes["notes"][-1]["body"] == "That worked, thanks!"
    assert len(smtp.messages) == 1  # the requester's own mail is not sent back


async def test_nothing_is_mailed_for_private_notes_without_settings_or_when_replies_are_off(
    client: httpx.AsyncClient, headers: dict[str, str], smtp: SmtpServer, drained: Drain
) -> None:
    first = await hand_in(client, headers, mail())
    await _reply(client, headers, first["ticket_id"], "Not configured yet", private=False)
    await configure(client, headers)
    await _reply(client, headers, first["ticket_id"], "Internal: check toner", private=True)
    await configure(client, headers, send_replies=False)
    await _reply(client, headers, first["ticket_id"], "Replies are off", private=False)

    await drained()

    assert smtp.messages == []


async def test_the_ai_resolving_reply_is_mailed_as_automatic(
    client: httpx.AsyncClient, headers: dict[str, str], smtp: SmtpServer, drained: Drain
) -> None:
    await configure(client, headers)
    first = await hand_in(client, headers, mail())
    change = {"status": "ai_resolved", "ai_suggested_response": "Open the tray and pull gently."}

    response = await client.patch(
        f"/api/v1/tickets/{first['ticket_id']}", json=change, headers=headers
    )
    assert response.status_code == 200
    await drained()

    (sent,) = smtp.messages
    assert sent["Auto-Submitted"] == "auto-replied"
    assert "Open the tray and pull gently." in _text(sent)


async def test_new_mail_is_acknowledged_when_asked_but_never_a_programs_mail(
    client: httpx.AsyncClient, headers: dict[str, str], smtp: SmtpServer, drained: Drain
) -> None:
    await configure(client, headers, acknowledge_new=True)

    await hand_in(client, headers, mail(message_id="<person@customer.example>"))
    robot = mail(
        sender="noreply@monitoring.example",
        headers={"Auto-Submitted": "auto-generated"},
        message_id="<robot@monitoring.example>",
    )
    from_robot = await hand_in(client, headers, robot)
    await _reply(client, headers, from_robot["ticket_id"], "Looking into it", private=False)
    await drained()

    (ack,) = smtp.messages
    assert ack["To"] == "ana@customer.example"
    assert ack["Subject"].startswith("Received: Printer on floor 3 is jammed [#SD-")
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == "<person@customer.example>"


async def test_an_smtp_outage_delays_mail_and_sends_each_once(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    smtp: SmtpServer,
    drained: Drain,
    database: Database,
    settings: Settings,
) -> None:
    await configure(client, headers)
    first = await hand_in(client, headers, mail())
    smtp.stop()
    for n in range(3):
        await _reply(client, headers, first["ticket_id"], f"Update {n}", private=False)

    async with worker_on(database, settings) as worker:
        for _ in range(5):
            await worker.drain_once()
    assert await _jobs(database, JobState.PENDING) == 3

    smtp.start()  # back on the same port
    await drained()

    assert [_text(m).splitlines()[2] for m in smtp.messages] == ["Update 0", "Update 1", "Update 2"]
    assert len({m["Message-ID"] for m in smtp.messages}) == 3
    assert await _jobs(database, JobState.PENDING) == 0


async def test_a_permanent_refusal_fails_the_mail_without_retrying(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    smtp: SmtpServer,
    drained: Drain,
    database: Database,
) -> None:
    await configure(client, headers)
    first = await hand_in(client, headers, mail())
    smtp.refuse_with = "550 5.1.1 Mailbox unavailable"

    await _reply(client, headers, first["ticket_id"], "Hello", private=False)
    await drained()

    assert smtp.messages == []
    assert await _jobs(database, JobState.FAILED) == 1


async def _jobs(database: Database, state: JobState) -> int:
    statement = select(OutboxJob).where(OutboxJob.kind == "email.send", OutboxJob.state == state)
    return len(await database.read(lambda session: list(session.scalars(statement))))


async def test_a_replys_files_go_with_its_mail_while_they_fit(
    client: httpx.AsyncClient, headers: dict[str, str], smtp: SmtpServer, drained: Drain
) -> None:
    await configure(client, headers)
    first = await hand_in(client, headers, mail())
    big = b"x" * (MAIL_FILES_BYTES - 10)  # fits alone, not after fix.reg
    response = await client.post(
        f"/api/v1/tickets/{first['ticket_id']}/notes",
        data={"body": "The fix is attached.", "private": "false"},
        files=[
            ("attachments", ("fix.reg", b"Windows Registry Editor", "text/plain")),
            ("attachments", ("image.iso", big, "application/octet-stream")),
            ("attachments", ("readme.txt", b"Run fix.reg", "text/plain")),
        ],
        headers=headers,
    )
    assert response.status_code == 201, response.text
    await drained()

    (sent,) = smtp.messages
    files = {part.get_filename(): part.get_content() for part in sent.iter_attachments()}
    assert files["fix.reg"] == "Windows Registry Editor"
    assert files["readme.txt"] == "Run fix.reg"
    assert "image.iso" not in files  # would pass the mail's room for files
    assert "Too large to attach; ask us for them: image.iso (10.0 MB)" in _text(sent)


async def test_a_tenants_own_templates_write_its_mail(
    client: httpx.AsyncClient, headers: dict[str, str], smtp: SmtpServer, drained: Drain
) -> None:
    templates = {
        "text": "{{ marker }}\n\nHello from {{ sender_name }}:\n{{ body }}\n-- {{ token }}\n",
        "html": "<p>{{ marker }}</p><p class=acme>{{ body }}</p>",
    }
    put = await configure(client, headers, templates=templates)
    assert put["templates"] == templates
    first = await hand_in(client, headers, mail())

    await _reply(client, headers, first["ticket_id"], "Use <the> spare printer.", private=False)
    await drained()

    (sent,) = smtp.messages
    token = thread_token(uuid.UUID(first["ticket_id"]))
    assert _text(sent).replace("\r\n", "\n") == (
        f"{REPLY_MARKER}\n\nHello from Acme IT:\nUse <the> spare printer.\n-- {token}\n"
    )
    assert _html(sent).startswith(
        f"<p>{REPLY_MARKER}</p><p class=acme>Use &lt;the&gt; spare printer.</p>"
    )


async def test_a_template_that_cannot_render_is_refused_naming_why(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    cases = {
        "{% if body %}never closed": "template syntax error on line 1",
        "{{ requester.password }}": "'requester' is undefined (the variables are: body,",
        "{{ body.__class__.__mro__ }}": "template cannot be rendered",
    }
    for source, reason in cases.items():
        response = await client.put(
            "/api/v1/configuration/email",
            json={"addresses": ["support@acme.example"], "templates": {"text": source}},
            headers=headers,
        )
        assert response.status_code == 422, source
        (error,) = response.json()["detail"]
        assert error["loc"] == ["body", "templates", "text"]
        assert reason in error["msg"], error["msg"]
    assert (await client.get("/api/v1/configuration/email", headers=headers)).status_code == 404


async def test_a_stored_subject_with_a_line_break_still_gets_its_reply_mailed_once(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    database: Database,
    smtp: SmtpServer,
    drained: Drain,
) -> None:
    """Stored before the API refused it (or by an import): the reply is written with the
    break as a space, never retried for ever on a header that cannot be written."""
    await configure(client, headers)
    first = await hand_in(client, headers, mail(message_id="<in-1@customer.example>"))
    ticket_id = first["ticket_id"]
    await database.write(
        lambda session: session.execute(
            update(Ticket)
            .where(Ticket.id == uuid.UUID(ticket_id))
            .values(subject="Printer\r\nBcc: victim@example.com")
        )
    )

    await _reply(client, headers, ticket_id, "Try again now.", private=False)
    await drained()

    (sent,) = smtp.messages
    assert sent["Subject"].startswith("Re: Printer Bcc: victim@example.com [#")
    assert sent["Bcc"] is None
    assert smtp.envelopes == [("support@acme.example", ["ana@customer.example"])]

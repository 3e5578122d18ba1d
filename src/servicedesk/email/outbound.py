"""Mail to the requester, from the outbox: what is queued, how it is written, how it is
sent.

Queued (the `MailQueue` subscriber, in the change's transaction): a public note by an
agent or a key, the AI's reply when triage resolves a ticket (`ai_resolved`), and, when
the tenant asks for it, an acknowledgement of a ticket that came by mail. Nothing is
queued for the requester's own mail, for mail a program sent (`Auto-Submitted`,
`Precedence`, `List-Id`), or without SMTP settings.

Sent (`EmailSendHandler`, `email.send` jobs, one ordering key per ticket so a ticket's
mail leaves in order): through SMTP with aiosmtplib, from templates (plain text and
HTML) with the note's files attached, with the ticket's token in the subject and
`In-Reply-To` / `References` to its thread. The Message-ID is fixed when the mail is
queued, so a retry sends the same message, and it is recorded when the relay accepted
it: replies to it join the ticket.
An SMTP outage leaves the job pending (retried with backoff); a relay's permanent
refusal (5xx) fails it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib
from sqlalchemy.orm import Session

from servicedesk.config import Settings
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.db.upsert import insert_or_ignore
from servicedesk.email import mail_templates, repository
from servicedesk.email.models import EmailMessage as MessageRow
from servicedesk.email.models import EmailThread
from servicedesk.email.parse import REPLY_MARKER
from servicedesk.email.repository import INBOUND, OUTBOUND, EmailRepository, thread_token
from servicedesk.email.service import (
    ACTOR,
    EMAIL,
    REQUESTER,
    TenantEmail,
    load_email,
    sending_address,
)
from servicedesk.jobs import repository as jobs
from servicedesk.jobs.service import Backoff, ClaimedJob, Done, Fail, JobSpec, Outcome, Retry
from servicedesk.storage.blobs import BlobStore
from servicedesk.tickets.events import Publication, TicketEvent, TicketEventType
from servicedesk.tickets.repository import AttachmentRepository, TicketRepository
from servicedesk.validation import breaks_a_header

JOB_KIND = "email.send"
# A note's files go with its mail while they fit this much; the rest are named in it.
# Relays commonly refuse messages past 25–35 MB, and base64 adds a third.
MAIL_FILES_BYTES = 10 * 1024 * 1024
REPLY, AI_REPLY, ACKNOWLEDGEMENT = "reply", "ai_reply", "acknowledgement"
AI_RESOLVED = "ai_resolved"


def ordering_key(ticket_id: uuid.UUID | str) -> str:
    return f"mail:{ticket_id}"


class MailQueue:
    """The subscriber: an `email.send` job for each mail a change means."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, publication: Publication, events: Sequence[TicketEvent]) -> None:
        tenant = publication.config[EMAIL]
        if tenant is None or self.settings.smtp_url is None:
            return
        if sending_address(tenant, self.settings) is None:
            return
        specs = [spec for event in events if (spec := _mail_of(tenant, event)) is not None]
        if any(spec.payload["kind"] == AI_REPLY for spec in specs):
            specs = [spec for spec in specs if spec.payload["kind"] != ACKNOWLEDGEMENT]
        if specs:
            jobs.enqueue_with(publication.rows, events[0].tenant_id, *specs)


def _mail_of(tenant: TenantEmail, event: TicketEvent) -> JobSpec | None:
    data = event.data
    if not data.get("requester_email") or (data.get("metadata") or {}).get("email_automatic"):
        return None
    if event.type is TicketEventType.NOTE_ADDED:
        note = data["note"]
        if note["private"] or event.actor in (REQUESTER, ACTOR) or not tenant.send_replies:
            return None
        return _job(event, REPLY, note["body"], note_id=note["id"])
    became = (event.changes or {}).get("status", {}).get("new")
    if event.type in (TicketEventType.TRIAGED, TicketEventType.UPDATED) and became == AI_RESOLVED:
        reply = data.get("ai_suggested_response")
        if reply and tenant.send_replies:
            return _job(event, AI_REPLY, reply)
        return None
    if event.type is TicketEventType.CREATED and event.actor == ACTOR and tenant.acknowledge_new:
        return _job(event, ACKNOWLEDGEMENT, "")
    return None


def _job(event: TicketEvent, kind: str, body: str, note_id: str | None = None) -> JobSpec:
    return JobSpec(
        JOB_KIND,
        ordering_key(event.ticket_id),
        {
            "ticket_id": str(event.ticket_id),
            "kind": kind,
            "body": body,
            "note_id": note_id,
            # Fixed now: every try sends the same message.
            "message_key": uuid.uuid4().hex,
        },
    )


# -- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Draft:
    """What a mail is written from, read when it is sent."""

    ticket_id: uuid.UUID
    subject: str
    requester_email: str
    thread: list[tuple[str, str]]
    tenant: TenantEmail | None
    files: list[MailAttachment] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MailAttachment:
    """A file of the note being mailed, and where its bytes are."""

    filename: str
    content_type: str
    size: int
    path: Path


def compose(
    draft: Draft, job: dict[str, Any], sender: str, sender_name: str | None
) -> EmailMessage:
    """The mail, with as many of the note's files as fit MAIL_FILES_BYTES (in their
    order); the text names the ones left out."""
    token = thread_token(draft.ticket_id)
    kind = job["kind"]
    message = EmailMessage()
    message["From"] = Address(header_safe(sender_name or ""), addr_spec=sender)
    message["To"] = draft.requester_email
    message["Subject"] = _subject(header_safe(draft.subject), token, kind)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id(job["message_key"], sender)
    ids = [message_id for message_id, _ in draft.thread]
    if ids:
        inbound = [m for m, direction in draft.thread if direction == INBOUND]
        message["In-Reply-To"] = (inbound or ids)[-1]
        message["References"] = " ".join(ids)
    if kind != REPLY:
        # Written by a program: other programs must not answer it (RFC 3834).
        message["Auto-Submitted"] = "auto-replied"
    context = {
        "marker": REPLY_MARKER,
        "kind": kind,
        "body": job["body"],
        "subject": draft.subject,
        "token": token,
        "sender_name": sender_name or sender,
    }
    attached, left_out = _fitting(draft.files)
    context["left_out"] = [f"{file.filename} ({_size(file.size)})" for file in left_out]
    text_template = draft.tenant.text_template if draft.tenant else None
    html_template = draft.tenant.html_template if draft.tenant else None
    message.set_content(mail_templates.render("text", context, text_template))
    message.add_alternative(mail_templates.render("html", context, html_template), subtype="html")
    for file in attached:
        maintype, _, subtype = file.content_type.partition("/")
        message.add_attachment(
            file.path.read_bytes(),
            maintype=maintype,
            subtype=subtype,
            filename=header_safe(file.filename),
        )
    return message


def _fitting(files: Sequence[MailAttachment]) -> tuple[list[MailAttachment], list[MailAttachment]]:
    attached: list[MailAttachment] = []
    left_out: list[MailAttachment] = []
    room = MAIL_FILES_BYTES
    for file in files:
        if file.size <= room:
            attached.append(file)
            room -= file.size
        else:
            left_out.append(file)
    return attached, left_out


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def header_safe(text: str) -> str:
    """Text for a header, every run of control characters one space. The API refuses
    them in what becomes a header; this holds for what was stored before it did, so a
    reply is never stuck on a header that cannot be written."""
    return " ".join("".join(" " if breaks_a_header(c) or c == "\t" else c for c in text).split())


def _subject(subject: str, token: str, kind: str) -> str:
    tagged = f"{subject} [#{token}]"
    if kind == ACKNOWLEDGEMENT:
        return f"Received: {tagged}"
    return tagged if subject.lower().startswith("re:") else f"Re: {tagged}"


def message_id(key: str, sender: str) -> str:
    return f"<sd.{key}@{sender.rsplit('@', 1)[-1]}>"


# -- sending ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Relay:
    """Where and how mail is handed over: `smtp://` (STARTTLS when offered; required with
    a password) or `smtps://` (TLS from the start)."""

    hostname: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool

    @classmethod
    def from_url(cls, url: str) -> Relay:
        parts = urlsplit(url)
        implicit_tls = parts.scheme == "smtps"
        return cls(
            hostname=parts.hostname or "localhost",
            port=parts.port or (465 if implicit_tls else 587),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=implicit_tls,
        )

    async def send(self, message: EmailMessage, seconds: float) -> None:
        await aiosmtplib.send(
            message,
            hostname=self.hostname,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.implicit_tls,
            # A password never crosses the network in the clear.
            start_tls=None if self.implicit_tls or self.password is None else True,
            timeout=seconds,
        )


@dataclass(frozen=True, slots=True)
class Sent:
    message_id: str


@dataclass(frozen=True, slots=True)
class NotSent:
    error: str
    permanent: bool


@lru_cache(maxsize=8)
def _relay(url: str) -> Relay:
    return Relay.from_url(url)


class EmailSendHandler:
    """`email.send`: write the mail, hand it to the relay, record its Message-ID."""

    def __init__(self, database: Database, settings: Settings, blobs: BlobStore) -> None:
        self.database = database
        self.settings = settings
        self.blobs = blobs
        self.backoff = Backoff(settings.email_retry_base_seconds, settings.email_retry_max_seconds)

    async def perform(self, job: ClaimedJob) -> Sent | NotSent | None:
        draft = await self.database.read(lambda session: _draft(session, job, self.blobs))
        if draft is None or self.settings.smtp_url is None:
            return None  # the ticket is gone, or mail was turned off meanwhile
        sender = sending_address(draft.tenant, self.settings)
        if sender is None:
            return None
        name = draft.tenant.from_name if draft.tenant else None
        message = await asyncio.to_thread(compose, draft, job.payload, sender, name)
        try:
            await _relay(self.settings.smtp_url).send(message, self.settings.smtp_timeout_seconds)
        except aiosmtplib.SMTPResponseException as error:
            return NotSent(f"SMTP {error.code}: {error.message}"[:500], permanent=error.code >= 500)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            return NotSent(f"{type(error).__name__}: {error}"[:500], permanent=False)
        return Sent(str(message["Message-ID"]))

    def record(self, session: Session, job: ClaimedJob, result: Sent | NotSent | None) -> Outcome:
        if result is None:
            return Done()
        if isinstance(result, NotSent):
            if result.permanent:
                return Fail(result.error)
            return Retry(self.backoff.delay(job.attempt), result.error)
        ticket_id = uuid.UUID(job.payload["ticket_id"])
        note_id = job.payload.get("note_id")
        # Insert-or-ignore: a message sent again after a crash is recorded once.
        insert_or_ignore(
            session,
            MessageRow,
            repository.message_row(
                job.tenant_id,
                result.message_id,
                OUTBOUND,
                ticket_id,
                uuid.UUID(note_id) if note_id else None,
            ),
        )
        insert_or_ignore(
            session,
            EmailThread,
            {"ticket_id": ticket_id, "tenant_id": job.tenant_id, "token": thread_token(ticket_id)},
        )
        return Done()


def _draft(session: Session, job: ClaimedJob, blobs: BlobStore) -> Draft | None:
    ticket = TicketRepository(session, job.tenant_id).get(uuid.UUID(job.payload["ticket_id"]))
    if ticket is None or not ticket.requester_email:
        return None
    return Draft(
        ticket_id=ticket.id,
        subject=ticket.subject,
        requester_email=ticket.requester_email,
        thread=EmailRepository(session, job.tenant_id).thread(ticket.id),
        tenant=load_email(session, job.tenant_id),
        files=_files_of_note(session, job, blobs),
    )


def _files_of_note(session: Session, job: ClaimedJob, blobs: BlobStore) -> list[MailAttachment]:
    note_id = job.payload.get("note_id")
    if not note_id:
        return []
    note = uuid.UUID(note_id)
    rows = AttachmentRepository(session, job.tenant_id).of_notes([note]).get(note, [])
    return [
        MailAttachment(
            row.filename, row.content_type, row.size, blobs.path(job.tenant_id, row.sha256)
        )
        for row in rows
    ]

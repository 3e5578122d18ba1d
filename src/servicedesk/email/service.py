"""A tenant's mail settings (the EMAIL configuration part) and taking a message in.

Taking a message, as a named sequence: parse → refuse loops (bounces, our own
addresses) → find it taken before (its Message-ID, per tenant) → find its ticket
(In-Reply-To / References to a message we took or sent, then the subject token) → a
note on that ticket, or a new ticket. The Message-ID is written in the same transaction
as the ticket or note, and is unique per tenant: a message becomes a ticket or a note
exactly once, however often it is delivered and however the deliveries race.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from servicedesk.config import Settings
from servicedesk.crypto import secret_box
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.db.rows import PendingRows
from servicedesk.email import repository, senders, set_aside
from servicedesk.email.addresses import same_address
from servicedesk.email.bounds import read_mail
from servicedesk.email.models import EmailSettings
from servicedesk.email.parse import (
    EMPTY_BODY,
    NO_SUBJECT,
    InboundMail,
    MessageRefused,
    reply_text,
)
from servicedesk.email.repository import EmailRepository, thread_token
from servicedesk.email.schemas import EmailConfigIn, ImapIn
from servicedesk.email.senders import Evidence
from servicedesk.errors import EmailNotConfigured, RateLimited, ValidationFailed
from servicedesk.jobs import repository as jobs
from servicedesk.jobs.service import JobSpec
from servicedesk.tenant_config import ConfigPart, TenantConfig, bump
from servicedesk.tickets.attachments import Upload, attach
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.repository import TicketRepository
from servicedesk.tickets.schemas import DESCRIPTION_MAX, NoteCreate, TicketCreate, TicketStatus
from servicedesk.tickets.service import TicketService
from servicedesk.users.service import DIRECTORY

ACTOR = "email"
POLL_JOB_KIND = "email.poll"
RETRY_SENDER = 600  # seconds an MTA is asked to wait when a sender is over the limit
REQUESTER = "requester"  # the actor of the requester's own mail
_TOKEN = re.compile(r"\[#(SD-[A-Z2-7]{10})\]")
_REOPENED_BY_REPLY = {TicketStatus.RESOLVED.value, TicketStatus.AI_RESOLVED.value}
_UNKNOWN_SENDER = (
    "[From {sender}, who is neither the requester nor an agent of this desk: "
    "read before answering]\n\n"
)
_UNVERIFIED_REQUESTER = (
    "[From {sender}, the requester's address, but unverified: it answers no mail the "
    "desk sent them and no mail server vouched for it. Confirm before answering]\n\n"
)
_UNVERIFIED_AGENT = (
    "[From {sender}, an agent's address, but unverified: no mail server this desk "
    "trusts vouched for it (DMARC or DKIM), so it was not sent to the requester. "
    "Confirm before answering]\n\n"
)


@dataclass(frozen=True, slots=True)
class TenantEmail:
    addresses: frozenset[str]
    from_address: str | None
    from_name: str | None
    send_replies: bool
    acknowledge_new: bool
    text_template: str | None = None
    html_template: str | None = None
    authentication_hosts: frozenset[str] = frozenset()


def load_email(session: Session, tenant_id: uuid.UUID) -> TenantEmail | None:
    row = EmailRepository(session, tenant_id).settings()
    if row is None:
        return None
    return TenantEmail(
        addresses=frozenset(row.addresses),
        from_address=row.from_address,
        from_name=row.from_name,
        send_replies=row.send_replies,
        acknowledge_new=row.acknowledge_new,
        text_template=(row.templates or {}).get("text"),
        html_template=(row.templates or {}).get("html"),
        authentication_hosts=frozenset(row.authentication_hosts or ()),
    )


EMAIL: ConfigPart[TenantEmail | None] = ConfigPart("email", load_email)


def sending_address(tenant: TenantEmail | None, settings: Settings) -> str | None:
    if tenant is not None and tenant.from_address:
        return tenant.from_address
    return settings.mail_from_address


# -- settings ------------------------------------------------------------------------------


def config_body(row: EmailSettings, settings: Settings) -> dict[str, Any]:
    imap = None
    if row.imap is not None:
        imap = {**row.imap, "password_set": row.imap_password_encrypted is not None}
    return {
        "addresses": list(row.addresses),
        "from_address": row.from_address,
        "from_name": row.from_name,
        "send_replies": row.send_replies,
        "acknowledge_new": row.acknowledge_new,
        "templates": row.templates,
        "authentication_hosts": list(row.authentication_hosts or ()),
        "imap": imap,
        "smtp_configured": settings.smtp_url is not None,
        "updated_at": row.updated_at,
    }


async def get_config(
    database: Database, tenant_id: uuid.UUID, settings: Settings
) -> dict[str, Any]:
    def read(session: Session) -> dict[str, Any]:
        row = EmailRepository(session, tenant_id).settings()
        if row is None:
            raise EmailNotConfigured()
        return config_body(row, settings)

    return await database.read(read)


async def put_config(
    database: Database, tenant_id: uuid.UUID, data: EmailConfigIn, settings: Settings
) -> dict[str, Any]:
    def write(session: Session) -> dict[str, Any]:
        row = EmailRepository(session, tenant_id).settings(for_update=True)
        if row is None:
            row = EmailSettings(tenant_id=tenant_id, imap=None, imap_password_encrypted=None)
            session.add(row)
        for name, value in data.model_dump(exclude={"imap"}).items():
            setattr(row, name, value)
        _set_mailbox(row, data.imap, settings)
        row.updated_at = utcnow()
        session.flush()
        schedule_polling(session, tenant_id, due=row.imap is not None)
        bump(session, tenant_id)
        return config_body(row, settings)

    return await database.write(write, tenant_id=tenant_id)


async def delete_config(database: Database, tenant_id: uuid.UUID) -> None:
    def write(session: Session) -> None:
        row = EmailRepository(session, tenant_id).settings(for_update=True)
        if row is None:
            raise EmailNotConfigured()
        session.delete(row)
        schedule_polling(session, tenant_id, due=False)
        bump(session, tenant_id)

    await database.write(write, tenant_id=tenant_id)


def _set_mailbox(row: EmailSettings, imap: ImapIn | None, settings: Settings) -> None:
    """The mailbox's settings; its password encrypted, or kept from before when left out
    and the account is the same one."""
    if imap is None:
        row.imap, row.imap_password_encrypted = None, None
        return
    fields = imap.model_dump(mode="json", exclude={"password"})
    same_account = row.imap is not None and (row.imap["host"], row.imap["username"]) == (
        imap.host,
        imap.username,
    )
    if imap.password is not None:
        row.imap_password_encrypted = secret_box(settings).encrypt(imap.password.get_secret_value())
    elif not same_account:
        raise ValidationFailed.at(("body", "imap", "password"), "Field required for a new mailbox")
    row.imap = fields


def schedule_polling(session: Session, tenant_id: uuid.UUID, *, due: bool) -> None:
    """Replace the tenant's pending poll with one due now (or none)."""
    jobs.cancel_pending(session, tenant_id, poll_ordering_key(tenant_id))
    if due:
        jobs.enqueue(session, tenant_id, JobSpec(POLL_JOB_KIND, poll_ordering_key(tenant_id)))


def poll_ordering_key(tenant_id: uuid.UUID) -> str:
    return f"imap:{tenant_id}"


# -- taking a message ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Taken:
    ticket_id: uuid.UUID | None
    note_id: uuid.UUID | None
    created: bool
    again: bool = False
    ignored: str | None = None

    def body(self) -> dict[str, Any]:
        return {
            "ticket_id": None if self.ticket_id is None else str(self.ticket_id),
            "note_id": None if self.note_id is None else str(self.note_id),
            "created": self.created,
            "ignored": self.ignored,
        }


async def take(tickets: TicketService, tenant_id: uuid.UUID, raw: bytes) -> Taken:
    """Make `raw` a ticket or a note of the tenant's, once. ValidationFailed (on
    `body`) for a message that cannot be taken as it is (`email.bounds`)."""
    try:
        mail = await read_mail(raw)
    except MessageRefused as error:
        raise ValidationFailed.at(("body",), str(error)) from None
    return await take_mail(tickets, tenant_id, mail)


async def take_mail(tickets: TicketService, tenant_id: uuid.UUID, mail: InboundMail) -> Taken:
    """`take` of a message already read."""
    config = await tickets.config_of(tenant_id)
    ignored = _loop(mail, config, tickets.settings)
    if ignored is not None:
        return Taken(None, None, created=False, ignored=ignored)
    before = await _taken_before(tickets.database, tenant_id, mail.message_id)
    if before is not None:
        return before
    try:
        ticket = await tickets.database.lookup(lambda s: _ticket_of(s, tenant_id, mail))
        if ticket is not None and ticket.status != TicketStatus.CLOSED.value:
            return await _as_note(tickets, config, ticket, mail)
        await _within_sender_limit(tickets, tenant_id, mail.sender)
        return await _as_ticket(tickets, tenant_id, mail, follow_up_of=ticket)
    except IntegrityError:
        # Another delivery of the same message won the race; its result is the result.
        again = await _taken_before(tickets.database, tenant_id, mail.message_id)
        if again is None:
            raise
        return again


async def _within_sender_limit(tickets: TicketService, tenant_id: uuid.UUID, sender: str) -> None:
    """429 when the sender opened as many tickets by mail in the last hour as allowed: a
    runaway script or a mail loop fills no queue, and nothing is lost (an MTA retries
    later; a polled message stays in its mailbox)."""
    limit = tickets.settings.email_new_tickets_per_sender_hour
    if limit == 0:
        return
    since = utcnow() - timedelta(hours=1)
    opened = await tickets.database.lookup(
        lambda s: TicketRepository(s, tenant_id).created_for_requester_since(sender, since)
    )
    if opened >= limit:
        raise RateLimited(f"{limit} new tickets per sender per hour", retry_after=RETRY_SENDER)


def _loop(mail: InboundMail, config: TenantConfig, settings: Settings) -> str | None:
    """Why the message must not be taken: a delivery report, or mail from ourselves."""
    if mail.bounce:
        return "bounce"
    tenant = config[EMAIL]
    own = set(tenant.addresses) if tenant is not None else set()
    sender = sending_address(tenant, settings)
    if sender:
        own.add(sender.lower())
    return "own_address" if mail.sender.lower() in own else None


async def _taken_before(database: Database, tenant_id: uuid.UUID, message_id: str) -> Taken | None:
    def read(session: Session) -> Taken | None:
        row = EmailRepository(session, tenant_id).message(message_id)
        if row is None:
            return None
        return Taken(row.ticket_id, row.note_id, created=False, again=True)

    return await database.lookup(read)


def _ticket_of(session: Session, tenant_id: uuid.UUID, mail: InboundMail) -> Ticket | None:
    """The ticket the message answers: through its Message-ID references, else the
    subject's token (of several tickets with one token, the sender's)."""
    found = EmailRepository(session, tenant_id)
    tickets = TicketRepository(session, tenant_id)
    by_reference = found.ticket_of_messages(mail.thread_ids)
    if by_reference is not None:
        return tickets.get(by_reference)
    match = _TOKEN.search(mail.subject)
    if match is None:
        return None
    candidates = [t for t in map(tickets.get, found.tickets_of_token(match.group(1))) if t]
    mine = [t for t in candidates if same_address(t.requester_email, mail.sender)]
    return next(iter(mine or candidates), None)


async def release_set_aside(
    tickets: TicketService, tenant_id: uuid.UUID, set_aside_id: uuid.UUID
) -> Taken:
    """A set-aside message made a ticket that carries the original (`email.set_aside`),
    once: its release is taken as a message of its own id, which only one create can
    record."""
    mail = await set_aside.to_release(tickets.database, tenant_id, set_aside_id)
    try:
        return await _as_ticket(tickets, tenant_id, mail, follow_up_of=None)
    except IntegrityError:
        raise set_aside.already_released() from None


async def _as_ticket(
    tickets: TicketService, tenant_id: uuid.UUID, mail: InboundMail, follow_up_of: Ticket | None
) -> Taken:
    metadata: dict[str, Any] = {"source": "email", "email_message_id": mail.message_id}
    if mail.automatic:
        metadata["email_automatic"] = True
    if follow_up_of is not None:
        metadata["follow_up_of"] = str(follow_up_of.id)
    if mail.sender_name:
        metadata["email_from_name"] = mail.sender_name
    if mail.cc:
        metadata["email_cc"] = list(mail.cc)
    uploads, left_out = _files(mail, tickets.settings.max_attachment_bytes)
    data = TicketCreate(
        subject=_TOKEN.sub("", mail.subject).strip() or NO_SUBJECT,
        description=_bounded(mail.text, left_out),
        requester_email=mail.sender or None,
        metadata=metadata,
    )
    stored = await tickets.store_files(tenant_id, uploads)

    def record(session: Session, rows: PendingRows, ticket: dict[str, Any]) -> None:
        ticket_id = uuid.UUID(ticket["id"])
        repository.add_taken(rows, tenant_id, mail, ticket_id)
        repository.add_thread(rows, tenant_id, ticket_id)
        attach(rows, tenant_id, ticket_id, None, stored)

    created = await tickets.create(tenant_id, data, actor=ACTOR, record=record)
    return Taken(uuid.UUID(created.body["id"]), None, created=True)


async def _as_note(
    tickets: TicketService, config: TenantConfig, ticket: Ticket, mail: InboundMail
) -> Taken:
    evidence = await _evidence(tickets.database, config, ticket, mail)
    author, by_requester, mark = _author(config, ticket, mail.sender, evidence)
    uploads, left_out = _files(mail, tickets.settings.max_attachment_bytes)
    text = _bounded(reply_text(mail.text) or EMPTY_BODY, left_out)
    public = mark is None
    if mark is not None:
        text = mark.format(sender=mail.sender) + text
    reopen = by_requester and ticket.status in _REOPENED_BY_REPLY
    record = _note_record(tickets, config, ticket.id, mail, reopen, author or ACTOR)
    note = await tickets.add_note(
        ticket.tenant_id,
        ticket.id,
        NoteCreate(body=text, private=not public),
        actor=author or ACTOR,
        by_requester=by_requester,
        files=uploads,
        record=record,
    )
    return Taken(ticket.id, uuid.UUID(note["id"]), created=False)


def _note_record(
    tickets: TicketService,
    config: TenantConfig,
    ticket_id: uuid.UUID,
    mail: InboundMail,
    reopen: bool,
    actor: str,
) -> Callable[[Session, PendingRows, dict[str, Any]], None]:
    def record(session: Session, rows: PendingRows, note: dict[str, Any]) -> None:
        note_id = uuid.UUID(note["id"])
        repository.add_taken(rows, config.tenant_id, mail, ticket_id, note_id)
        if reopen:
            ticket = TicketRepository(session, config.tenant_id).get(ticket_id, for_update=True)
            if ticket is not None:
                tickets.change(session, config, ticket, {"status": "open"}, actor=actor)

    return record


async def _evidence(
    database: Database, config: TenantConfig, ticket: Ticket, mail: InboundMail
) -> Evidence:
    tenant = config[EMAIL]
    hosts = tenant.authentication_hosts if tenant is not None else frozenset()

    def sent(session: Session) -> list[str]:
        return EmailRepository(session, ticket.tenant_id).sent_about(ticket.id, mail.thread_ids)

    sent_by_desk = await database.lookup(sent) if mail.thread_ids else []
    return Evidence(
        vouched=senders.vouched_domains(mail.authentication_results, hosts),
        answers_desk_mail=senders.answers_desk_mail(
            mail.thread_ids, sent_by_desk, mail.subject, thread_token(ticket.id)
        ),
    )


def _author(
    config: TenantConfig, ticket: Ticket, sender: str, evidence: Evidence
) -> tuple[str | None, bool, str | None]:
    """Who wrote the reply, as the note's actor; whether it is the requester; and, for a
    note that stays private, the line that marks it for an agent (email.senders)."""
    if same_address(sender, ticket.requester_email):
        if evidence.answers_desk_mail or evidence.vouches_for(sender):
            return REQUESTER, True, None
        return None, False, _UNVERIFIED_REQUESTER
    for person in config[DIRECTORY].users.values():
        if person.active and same_address(person.email, sender):
            if evidence.vouches_for(sender):
                return f"user:{person.id}", False, None
            return None, False, _UNVERIFIED_AGENT
    return None, False, _UNKNOWN_SENDER


def _files(mail: InboundMail, limit: int) -> tuple[list[Upload], list[str]]:
    """The mail's files to keep, and a line for each one past `limit` (left out: a mail
    cannot be answered 413, and the rest of it is still worth a ticket)."""
    kept: list[Upload] = []
    left_out: list[str] = []
    for file in mail.files:
        if len(file.data) > limit:
            left_out.append(
                f"[Attachment {file.filename!r} ({len(file.data)} bytes) was not kept: "
                f"larger than {limit} bytes]"
            )
            continue
        kept.append(
            Upload(file.filename, file.content_type, io.BytesIO(file.data), file.content_id)
        )
    return kept, left_out


def _bounded(text: str, left_out: Sequence[str] = ()) -> str:
    """The text as a ticket or note can hold it, with the lines about files left out."""
    tail = "".join(f"\n\n{line}" for line in left_out)
    if not text.strip():
        text = EMPTY_BODY
    if len(text) + len(tail) <= DESCRIPTION_MAX:
        return text + tail
    cut = "\n\n[message shortened]"
    return text[: DESCRIPTION_MAX - len(cut) - len(tail)] + cut + tail


__all__ = ["EMAIL", "Taken", "TenantEmail", "take", "thread_token"]

"""Messages a mailbox delivered that the desk cannot take as they are: kept whole, out of
the way of the messages behind them, shown to admins, and released as a ticket that
carries the original.

A message is set aside when reading it is refused (`email.bounds`: past a limit, not a
message, a parser's failure) or when taking it is refused (a 422 of the create path).
Released, it becomes a ticket whose text says why it was set aside, with the raw message
attached as `original.eml`: an agent reads it in a mail program, nothing is lost.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from typing import Any

from sqlalchemy.orm import Session

from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.db.ready import instant
from servicedesk.email.bounds import MAX_HEADER_BYTES
from servicedesk.email.models import SetAsideMessage
from servicedesk.email.parse import InboundMail, MailFile, one_line
from servicedesk.email.repository import SetAsideRepository, released_id
from servicedesk.errors import Conflict, SetAsideMessageNotFound
from servicedesk.logs import get_logger
from servicedesk.validation import check_email

log = get_logger(__name__)
UNREADABLE_SUBJECT = "(a message the desk could not read)"


def already_released() -> Conflict:
    return Conflict("This message was released already")


@dataclass(frozen=True, slots=True)
class Headline:
    """What a set-aside message says of itself, as far as its header can be read."""

    message_id: str | None
    sender: str | None
    subject: str | None


def headline(raw: bytes) -> Headline:
    """The Message-ID, sender and subject of `raw`'s header, each None where it cannot be
    read; never raises (the message is hostile or broken by definition)."""
    try:
        header = BytesHeaderParser(policy=policy.default).parsebytes(raw[:MAX_HEADER_BYTES])
        message_id = one_line(str(header.get("Message-ID", "")))[:998] or None
        subject = one_line(str(header.get("Subject", "")))[:255] or None
        sender = _address(str(header.get("From", "")))
    except Exception:
        return Headline(None, None, None)
    return Headline(message_id, sender, subject)


def _address(value: str) -> str | None:
    address = parseaddr(value)[1]
    try:
        return check_email(address) if "@" in address else None
    except ValueError:
        return None


async def set_aside(
    database: Database, tenant_id: uuid.UUID, raw: bytes, reason: str, *, source: str
) -> uuid.UUID:
    """Keep `raw` as a set-aside message of the tenant's; its id."""
    said = headline(raw)
    row_id = uuid.uuid4()

    def write(session: Session) -> None:
        SetAsideRepository(session, tenant_id).add(
            SetAsideMessage(
                id=row_id,
                tenant_id=tenant_id,
                source=source,
                reason=reason[:300],
                message_id=said.message_id,
                sender=said.sender,
                subject=said.subject,
                size=len(raw),
                raw=raw,
                created_at=utcnow(),
            )
        )

    await database.write(write)
    log.warning(
        "email_set_aside", tenant_id=str(tenant_id), id=str(row_id), source=source, reason=reason
    )
    return row_id


def document(row: SetAsideMessage, ticket_id: uuid.UUID | None) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "source": row.source,
        "reason": row.reason,
        "message_id": row.message_id,
        "sender": row.sender,
        "subject": row.subject,
        "size": row.size,
        "created_at": instant(row.created_at),
        "released": ticket_id is not None,
        "ticket_id": None if ticket_id is None else str(ticket_id),
    }


async def page(
    database: Database, tenant_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    def read(session: Session) -> tuple[list[dict[str, Any]], int]:
        repository = SetAsideRepository(session, tenant_id)
        rows, total = repository.newest(limit=limit, offset=offset)
        released = repository.released_as([row.id for row in rows])
        return [document(row, released.get(row.id)) for row in rows], total

    return await database.read(read)


async def to_release(database: Database, tenant_id: uuid.UUID, row_id: uuid.UUID) -> InboundMail:
    """The message a release makes a ticket of: SetAsideMessageNotFound, or Conflict when
    it was released before."""

    def read(session: Session) -> InboundMail:
        repository = SetAsideRepository(session, tenant_id)
        row = repository.require(row_id, missing=SetAsideMessageNotFound)
        if row_id in repository.released_as([row_id]):
            raise already_released()
        return _released_mail(row)

    return await database.read(read)


def _released_mail(row: SetAsideMessage) -> InboundMail:
    return InboundMail(
        message_id=released_id(row.id),
        in_reply_to=(),
        references=(),
        subject=row.subject or UNREADABLE_SUBJECT,
        sender=row.sender or "",
        sender_name="",
        recipients=(),
        text=(
            f"The desk could not take this message as it was: {row.reason}. "
            "The original is attached (original.eml)."
        ),
        automatic=False,
        bounce=False,
        files=(MailFile("original.eml", "message/rfc822", row.raw, None),),
    )

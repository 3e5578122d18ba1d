"""Every query of the e-mail package: the tenant's mail settings, the messages taken and
sent, the subject tokens, the messages set aside."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from servicedesk.db.base import table_of, utcnow
from servicedesk.db.repository import TenantRepository
from servicedesk.db.rows import PendingRows
from servicedesk.email.models import EmailMessage, EmailSettings, EmailThread, SetAsideMessage
from servicedesk.email.parse import InboundMail

MESSAGES = table_of(EmailMessage)
THREADS = table_of(EmailThread)
INBOUND, OUTBOUND = "in", "out"
THREAD_HISTORY = 20  # Message-IDs in a reply's References, the newest


def thread_token(ticket_id: uuid.UUID) -> str:
    """`SD-` and 10 base32 characters of the ticket id's hash: the same for a ticket
    always, so the token needs no lookup to be written."""
    digest = hashlib.sha256(ticket_id.bytes).digest()
    return "SD-" + base64.b32encode(digest).decode()[:10]


class EmailRepository:
    def __init__(self, session: Session, tenant_id: uuid.UUID) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def settings(self, *, for_update: bool = False) -> EmailSettings | None:
        statement = select(EmailSettings).where(EmailSettings.tenant_id == self.tenant_id)
        if for_update:
            statement = statement.with_for_update()
        return self.session.scalars(statement).first()

    def message(self, message_id: str) -> EmailMessage | None:
        return self.session.scalars(
            select(EmailMessage).where(
                EmailMessage.tenant_id == self.tenant_id, EmailMessage.message_id == message_id
            )
        ).first()

    def ticket_of_messages(self, message_ids: Sequence[str]) -> uuid.UUID | None:
        """The ticket of the nearest of `message_ids` that we took or sent."""
        if not message_ids:
            return None
        rows = self.session.execute(
            select(EmailMessage.message_id, EmailMessage.ticket_id).where(
                EmailMessage.tenant_id == self.tenant_id,
                EmailMessage.message_id.in_(message_ids[: THREAD_HISTORY * 5]),
                EmailMessage.ticket_id.is_not(None),
            )
        ).all()
        tickets = {message_id: ticket_id for message_id, ticket_id in rows}
        return next((tickets[m] for m in message_ids if m in tickets), None)

    def sent_about(self, ticket_id: uuid.UUID, message_ids: Sequence[str]) -> list[str]:
        """Which of `message_ids` are mails the desk sent about the ticket."""
        return list(
            self.session.scalars(
                select(EmailMessage.message_id).where(
                    EmailMessage.tenant_id == self.tenant_id,
                    EmailMessage.ticket_id == ticket_id,
                    EmailMessage.direction == OUTBOUND,
                    EmailMessage.message_id.in_(message_ids[: THREAD_HISTORY * 5]),
                )
            )
        )

    def tickets_of_token(self, token: str) -> list[uuid.UUID]:
        return list(
            self.session.scalars(
                select(EmailThread.ticket_id).where(
                    EmailThread.tenant_id == self.tenant_id, EmailThread.token == token
                )
            )
        )

    def thread(self, ticket_id: uuid.UUID) -> list[tuple[str, str]]:
        """The ticket's messages as (message_id, direction), oldest first (the newest
        THREAD_HISTORY)."""
        rows = self.session.execute(
            select(EmailMessage.message_id, EmailMessage.direction)
            .where(EmailMessage.tenant_id == self.tenant_id, EmailMessage.ticket_id == ticket_id)
            .order_by(EmailMessage.created_at.desc())
            .limit(THREAD_HISTORY)
        ).all()
        return [(message_id, direction) for message_id, direction in reversed(rows)]


def message_row(
    tenant_id: uuid.UUID,
    message_id: str,
    direction: str,
    ticket_id: uuid.UUID,
    note_id: uuid.UUID | None = None,
    taken: InboundMail | None = None,
) -> dict[str, Any]:
    """The row of a message sent, or of one `taken` in (with who wrote it)."""
    return {
        "id": uuid.uuid4(),
        "tenant_id": tenant_id,
        "message_id": message_id,
        "direction": direction,
        "ticket_id": ticket_id,
        "note_id": note_id,
        "sender": taken.sender if taken else None,
        "sender_name": (taken.sender_name or None) if taken else None,
        "cc": list(taken.cc) if taken and taken.cc else None,
        "created_at": utcnow(),
    }


def add_taken(
    rows: PendingRows,
    tenant_id: uuid.UUID,
    mail: InboundMail,
    ticket_id: uuid.UUID,
    note_id: uuid.UUID | None = None,
) -> None:
    """Record a message taken in, as a ticket (`note_id` None) or as a note of one."""
    row = message_row(tenant_id, mail.message_id, INBOUND, ticket_id, note_id, taken=mail)
    rows.insert(MESSAGES, [row])


def add_thread(rows: PendingRows, tenant_id: uuid.UUID, ticket_id: uuid.UUID) -> None:
    rows.insert(
        THREADS,
        [{"ticket_id": ticket_id, "tenant_id": tenant_id, "token": thread_token(ticket_id)}],
    )


class SetAsideRepository(TenantRepository[SetAsideMessage]):
    model = SetAsideMessage

    def newest(self, *, limit: int, offset: int) -> tuple[Sequence[SetAsideMessage], int]:
        """A page of the tenant's set-aside messages, newest first, without their bytes."""
        statement = (
            self.scoped()
            .options(defer(SetAsideMessage.raw))
            .order_by(SetAsideMessage.created_at.desc(), SetAsideMessage.id)
        )
        return self.page(statement, limit=limit, offset=offset)

    def released_as(self, row_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID | None]:
        """For each of these set-aside messages that was released, the ticket it became."""
        by_message = {released_id(row_id): row_id for row_id in row_ids}
        if not by_message:
            return {}
        rows = self.session.execute(
            select(EmailMessage.message_id, EmailMessage.ticket_id).where(
                EmailMessage.tenant_id == self.tenant_id,
                EmailMessage.message_id.in_(by_message),
            )
        ).all()
        return {by_message[message_id]: ticket_id for message_id, ticket_id in rows}


def released_id(row_id: uuid.UUID) -> str:
    """The Message-ID a released message is taken as: its own, since the original's may
    be one a later, readable delivery takes; unique per tenant, so a message is released
    once."""
    return f"<released.{row_id.hex}@set-aside.invalid>"

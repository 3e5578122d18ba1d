"""A tenant's mail settings, every message taken or sent (for threading and for taking a
message once), and each mailed ticket's subject token."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from servicedesk.db.base import Base, JSONDocument, UTCDateTime

MESSAGE_ID_MAX = 998  # RFC 5322's line limit: no header value is longer


class EmailSettings(Base):
    """`addresses`: the tenant's support addresses (lower case); `from_address`: what its
    replies are sent from (None: SERVICEDESK_MAIL_FROM)."""

    __tablename__ = "email_settings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    addresses: Mapped[list[str]] = mapped_column(JSONDocument)
    from_address: Mapped[str | None] = mapped_column(String(320), nullable=True)
    from_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    send_replies: Mapped[bool] = mapped_column(Boolean)
    acknowledge_new: Mapped[bool] = mapped_column(Boolean)
    # The mailbox the worker polls (host, port, security, username, folders, interval),
    # and its password, encrypted with SERVICEDESK_SECRET_KEY.
    imap: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)
    imap_password_encrypted: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The tenant's own mail templates, {"text": ..., "html": ...} (email.mail_templates).
    templates: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)
    # The authserv-ids of the receiving MTAs whose Authentication-Results the desk
    # believes (email.senders).
    authentication_hosts: Mapped[list[str]] = mapped_column(
        JSONDocument, server_default=text("'[]'")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EmailMessage(Base):
    """A message taken in (`in`) or sent (`out`), by its Message-ID, unique per tenant;
    of one taken in, who wrote it (the address as written, the display name) and whom it
    was copied to (`cc`)."""

    __tablename__ = "email_messages"
    __table_args__ = (
        UniqueConstraint("tenant_id", "message_id"),
        Index("ix_email_messages_ticket_created", "ticket_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(String(MESSAGE_ID_MAX))
    direction: Mapped[str] = mapped_column(String(3))
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=True
    )
    note_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    sender: Mapped[str | None] = mapped_column(String(320), nullable=True)
    sender_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    cc: Mapped[list[str] | None] = mapped_column(JSONDocument, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EmailThread(Base):
    """The token a ticket's mail carries in its subject (`[#SD-7KQ2M9XAPB]`), made from
    the ticket's id (50 bits: two tickets of a tenant sharing one is left to Message-ID
    threading and the requester's address, see repository.ticket_of_token)."""

    __tablename__ = "email_threads"
    __table_args__ = (Index("ix_email_threads_tenant_token", "tenant_id", "token"),)

    ticket_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(16))


class SetAsideMessage(Base):
    """A polled message the desk could not take as it is (`reason`), kept whole (`raw`)
    and moved out of the mailbox, so that it never holds up the messages behind it. An
    admin sees it and may release it: then it becomes a ticket that carries the original
    as a file (`ticket_id`)."""

    __tablename__ = "email_set_aside"
    __table_args__ = (Index("ix_email_set_aside_tenant_created", "tenant_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(300))
    message_id: Mapped[str | None] = mapped_column(String(MESSAGE_ID_MAX), nullable=True)
    sender: Mapped[str | None] = mapped_column(String(320), nullable=True)
    subject: Mapped[str | None] = mapped_column(String(255), nullable=True)
    size: Mapped[int] = mapped_column(Integer)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

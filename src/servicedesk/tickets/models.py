"""The Ticket row, its notes and its attachments."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from servicedesk.db.base import Base, JSONDocument, UTCDateTime

UNSETTLED_SYNC = "external_sync_status IN ('pending', 'failed')"


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        # The list is newest first with id as tie-break; these serve it, its status
        # filter and keyset (cursor) pages straight from the index at any size.
        Index("ix_tickets_tenant_created", "tenant_id", "created_at", "id"),
        Index("ix_tickets_tenant_status_created", "tenant_id", "status", "created_at", "id"),
        # "Tickets of this person" and "what changed since my last sync".
        Index("ix_tickets_tenant_requester_created", "tenant_id", "requester_email", "created_at"),
        Index("ix_tickets_tenant_updated", "tenant_id", "updated_at"),
        # The provider's calls name its own ticket id.
        Index("ix_tickets_tenant_external", "tenant_id", "external_ticket_id"),
        # The console's queues: mine, a group's.
        Index("ix_tickets_tenant_assignee_created", "tenant_id", "assignee_id", "created_at"),
        Index("ix_tickets_tenant_group_created", "tenant_id", "group_id", "created_at"),
        # The SLA filters and the nearest-due order (servicedesk.sla).
        Index("ix_tickets_tenant_sla_due", "tenant_id", "sla_due_at"),
        # Mirrors pending or failed, a few rows of many: the sync gauge of /metrics
        # counts them from this index alone.
        Index(
            "ix_tickets_sync_unsettled",
            "external_sync_status",
            "tenant_id",
            "updated_at",
            postgresql_where=text(UNSETTLED_SYNC),
            sqlite_where=text(UNSETTLED_SYNC),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str | None] = mapped_column(String(10))
    requester_email: Mapped[str | None] = mapped_column(String(320))
    external_provider: Mapped[str | None] = mapped_column(String(50))
    external_ticket_id: Mapped[str | None] = mapped_column(String(100))
    external_ticket_url: Mapped[str | None] = mapped_column(String(2048))
    # pending | synced | failed; null when no provider was configured at creation.
    external_sync_status: Mapped[str | None] = mapped_column(String(10))
    external_sync_error: Mapped[str | None] = mapped_column(Text)
    # "<kind>:<domain>" of the provider account that holds the mirror: after the tenant
    # moves to another account, this ticket's changes are not sent there.
    external_account: Mapped[str | None] = mapped_column(String(200))
    # "metadata" is reserved on declarative classes, hence the attribute name.
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONDocument)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(
        JSONDocument, default=dict, server_default=text("'{}'")
    )
    category: Mapped[str | None] = mapped_column(String(100))
    ai_suggested_response: Mapped[str | None] = mapped_column(Text)
    confidence_score: Mapped[float | None] = mapped_column(Float)
    # A group and a user of the tenant (servicedesk.users); no foreign key, see 0011.
    group_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # The SLA as the API shows it (null without a policy), the clock behind it, and what
    # the list filters and sorts by: servicedesk.sla derives them on every change.
    sla: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)
    sla_clock: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)
    sla_policy_id: Mapped[str | None] = mapped_column(String(40))
    # The nearest due time of a target not yet met (null: none running).
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_breached: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TicketNote(Base):
    """A reply to the requester (public) or a note for agents (private)."""

    __tablename__ = "ticket_notes"
    __table_args__ = (Index("ix_ticket_notes_ticket_created", "ticket_id", "created_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    ticket_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tickets.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    private: Mapped[bool] = mapped_column(Boolean)
    # Who wrote it: the API key id (or `provider:<kind>` for notes that came from there).
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TicketAttachment(Base):
    """A file of a ticket: of one of its notes, or of the ticket itself (`note_id`
    None: a mail that opened it). Its bytes are in the blob store under `sha256`."""

    __tablename__ = "ticket_attachments"
    __table_args__ = (Index("ix_ticket_attachments_ticket_created", "ticket_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    ticket_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tickets.id", ondelete="CASCADE"))
    note_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("ticket_notes.id", ondelete="CASCADE"), nullable=True, index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    # An inline image's Content-ID (without <>), which the mail's HTML referred to.
    content_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

"""The TicketNote row: a reply to the requester (public) or a note for agents (private)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from servicedesk.db.base import Base, UTCDateTime


class TicketNote(Base):
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

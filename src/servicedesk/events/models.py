"""The Event row: an append-only record of something that happened to a ticket."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from servicedesk.db.base import AutoIncrementId, Base, JSONDocument, UTCDateTime


class Event(Base):
    """`data` is the ticket as the API returned it at that moment; `changes` holds
    `{field: {"old", "new"}}` on updates. Webhook payloads and ticket history are both
    read from these rows."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_tenant_ticket", "tenant_id", "ticket_id", "seq"),)

    seq: Mapped[int] = mapped_column(AutoIncrementId, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    type: Mapped[str] = mapped_column(String(50))
    actor: Mapped[str] = mapped_column(String(100))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)

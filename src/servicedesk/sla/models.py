"""The SlaPolicy row: which tickets it applies to, its calendar and its targets."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from servicedesk.db.base import Base, JSONDocument, UTCDateTime


class SlaPolicy(Base):
    """`calendar` is `"24x7"` or `{"timezone", "hours", "holidays"}`; `targets` maps a
    priority to `{"first_response_minutes", "resolution_minutes"}` (business minutes)."""

    __tablename__ = "sla_policies"
    __table_args__ = (Index("ix_sla_policies_tenant_position", "tenant_id", "position"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    calendar: Mapped[Any] = mapped_column(JSONDocument)
    targets: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    pause_statuses: Mapped[list[str]] = mapped_column(JSONDocument)
    warn_at: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

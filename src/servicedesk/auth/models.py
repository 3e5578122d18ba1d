"""Tenant and ApiKey rows."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from servicedesk.db.base import Base, JSONDocument, UTCDateTime, utcnow


class Tenant(Base):
    """An organisation: every other row belongs to exactly one."""

    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Moves with every change of the tenant's configuration (servicedesk.tenant_config).
    config_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class ApiKey(Base):
    """An API key of a tenant; only the SHA-256 of the key is stored."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    display_prefix: Mapped[str] = mapped_column(String(32))
    scopes: Mapped[list[str]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

"""A tenant's ITSM provider connection: which vendor, where, and how to sign in."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from servicedesk.db.base import Base, JSONDocument, UTCDateTime


class ProviderConfig(Base):
    """One per tenant. The credential is a Fernet token (servicedesk.crypto); the inbound
    secret is kept only as its SHA-256, like an API key."""

    __tablename__ = "provider_configs"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    domain: Mapped[str] = mapped_column(String(100))
    agent_email: Mapped[str | None] = mapped_column(String(320))
    default_requester_email: Mapped[str | None] = mapped_column(String(320))
    credentials_encrypted: Mapped[str] = mapped_column(Text)
    inbound_token: Mapped[str] = mapped_column(String(64), unique=True)
    inbound_secret_hash: Mapped[str] = mapped_column(String(64))
    # Our custom field name → the provider's field (a Freshservice name, a Zendesk id).
    custom_field_map: Mapped[dict[str, str]] = mapped_column(
        JSONDocument, default=dict, server_default=text("'{}'")
    )
    # The circuit breaker: after a failure nothing is sent until `paused_until`, and each
    # failed probe in a row doubles the pause (servicedesk.providers.sync).
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

"""The IdempotencyRecord row: one per (tenant, key), holding the first response."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from servicedesk.db.base import Base, JSONDocument, UTCDateTime


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"

    # The primary key is what makes concurrent requests with one key create one ticket:
    # the database lets exactly one insert of (tenant, key) commit.
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    # 0 while the request that claimed the key runs (its `claim_token`, until
    # `locked_until`); then the response, replayed to every retry until `expires_at`.
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[Any] = mapped_column(JSONDocument, nullable=True)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The id the claimed request gives what it makes (a ticket), kept so that a request
    # taking over an abandoned claim makes the same one, never a second.
    resource_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

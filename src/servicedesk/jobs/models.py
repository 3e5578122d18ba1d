"""The OutboxJob row: one unit of asynchronous work, written with the change that caused it."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from servicedesk.db.base import AutoIncrementId, Base, JSONDocument, UTCDateTime


class JobState(StrEnum):
    """A job is pending until it is done (then deleted) or fails for good."""

    PENDING = "pending"
    FAILED = "failed"


class OutboxJob(Base):
    """A job runs when `run_after` has passed and no earlier pending job shares its
    `ordering_key`, which is how jobs of one key (e.g. one ticket at one endpoint) run in
    order. Finished jobs are deleted; failed ones stay for inspection."""

    __tablename__ = "outbox_jobs"
    __table_args__ = (
        # Partial: only pending jobs are ever looked for, and finished ones are deleted,
        # so these stay as small as the backlog. The claim walks `due` in order and
        # probes `ordering` once per candidate.
        Index(
            "ix_outbox_jobs_due",
            "run_after",
            "id",
            postgresql_where=text("state = 'pending'"),
            sqlite_where=text("state = 'pending'"),
        ),
        Index(
            "ix_outbox_jobs_ordering",
            "ordering_key",
            "id",
            postgresql_where=text("state = 'pending'"),
            sqlite_where=text("state = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(AutoIncrementId, primary_key=True, autoincrement=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))
    ordering_key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    state: Mapped[str] = mapped_column(String(10), default=JobState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_by: Mapped[str | None] = mapped_column(String(64))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

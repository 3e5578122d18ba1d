"""Triage rows: a tenant's triage settings, its trained models and agents' feedback."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
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


class TriageSettings(Base):
    """One per tenant that changed a default (no row: the defaults of
    `servicedesk.triage.config`)."""

    __tablename__ = "triage_settings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    categories: Mapped[list[str]] = mapped_column(JSONDocument)
    auto_routing: Mapped[bool] = mapped_column(Boolean)
    threshold: Mapped[float] = mapped_column(Float)
    never_auto_resolve: Mapped[list[str]] = mapped_column(JSONDocument)
    engine: Mapped[str] = mapped_column(String(10))
    # Null: the starter model. Otherwise a `triage_models.version` of this tenant.
    active_model_version: Mapped[int | None] = mapped_column(Integer)
    # {category: group id}: a new ticket of that category, in no group yet, goes there.
    category_groups: Mapped[dict[str, str]] = mapped_column(
        JSONDocument, default=dict, server_default=text("'{}'")
    )
    # {category: what it covers}: examples for categories no ticket has taught yet.
    category_descriptions: Mapped[dict[str, str] | None] = mapped_column(JSONDocument)
    # Retrain in the worker after this many new category overrides; null: never.
    retrain_every: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TriageModelRecord(Base):
    """A category model trained for one tenant (`servicedesk triage train`)."""

    __tablename__ = "triage_models"
    __table_args__ = (UniqueConstraint("tenant_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(100))
    labels: Mapped[list[str]] = mapped_column(JSONDocument)
    n_train: Mapped[int] = mapped_column(Integer)
    sources: Mapped[dict[str, int]] = mapped_column(JSONDocument)
    model: Mapped[bytes] = mapped_column(LargeBinary)
    # The newest `triage_feedback.id` its training read: overrides after it are new.
    feedback_through: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TriageFeedback(Base):
    """An agent's override of what triage wrote: a training example for the category,
    and for the reply a future suggestion."""

    __tablename__ = "triage_feedback"
    __table_args__ = (Index("ix_triage_feedback_tenant_field", "tenant_id", "field", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    ticket_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(30))
    previous_value: Mapped[str | None] = mapped_column(Text)
    agent_value: Mapped[str | None] = mapped_column(Text)
    # The ticket's subject and description when the agent decided.
    ticket_text: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

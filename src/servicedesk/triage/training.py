"""Training a tenant's own category model from what its agents decided.

Examples, newest first: each ticket's latest category override (feedback), tickets
resolved or closed with a category, rows of an imported CSV, and, unless switched off,
the starter examples of the tenant's categories (so a young tenant's few examples do
not leave the other categories without any). The model is stored in the database
under the next version and made active in the same transaction; every process uses it
from its next ticket on (`servicedesk.triage.service`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.tickets.models import Ticket
from servicedesk.triage import model, service
from servicedesk.triage.engine import TicketText
from servicedesk.triage.models import TriageFeedback, TriageModelRecord
from servicedesk.triage.starter import examples as starter_examples

CLOSED_STATUSES = ("resolved", "closed")
MAX_TICKETS = 200_000
MIN_EXAMPLES_PER_LABEL = model.CALIBRATION_FOLDS


class TrainingError(ValueError):
    """Not enough labelled examples to train; the message says what is missing."""


@dataclass
class TrainingSet:
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    sources: Counter[str] = field(default_factory=Counter)
    dropped: dict[str, int] = field(default_factory=dict)

    def add(self, text: str, label: str, source: str) -> None:
        self.texts.append(text)
        self.labels.append(label)
        self.sources[source] += 1

    def without_rare_labels(self) -> TrainingSet:
        """Labels with fewer than MIN_EXAMPLES_PER_LABEL examples cannot be calibrated."""
        counts = Counter(self.labels)
        rare = {label: n for label, n in counts.items() if n < MIN_EXAMPLES_PER_LABEL}
        kept = TrainingSet(sources=self.sources, dropped=rare)
        for text, label in zip(self.texts, self.labels, strict=True):
            if label not in rare:
                kept.texts.append(text)
                kept.labels.append(label)
        return kept


def collect(
    session: Session,
    tenant: service.TenantTriage,
    *,
    imported: Sequence[tuple[str, str]] = (),
    with_starter: bool = True,
) -> TrainingSet:
    found = TrainingSet()
    overridden: set[uuid.UUID] = set()
    feedback = session.execute(
        select(TriageFeedback.ticket_id, TriageFeedback.agent_value, TriageFeedback.ticket_text)
        .where(
            TriageFeedback.tenant_id == tenant.tenant_id,
            TriageFeedback.field == "category",
            TriageFeedback.agent_value.is_not(None),
        )
        .order_by(TriageFeedback.id.desc())
    )
    for ticket_id, label, text in feedback:
        if ticket_id not in overridden and label:
            overridden.add(ticket_id)
            found.add(text, label, "feedback")
    closed = session.execute(
        select(Ticket.id, Ticket.subject, Ticket.description, Ticket.category)
        .where(
            Ticket.tenant_id == tenant.tenant_id,
            Ticket.status.in_(CLOSED_STATUSES),
            Ticket.category.is_not(None),
        )
        .order_by(Ticket.updated_at.desc())
        .limit(MAX_TICKETS)
    )
    for ticket_id, subject, description, category in closed:
        if ticket_id not in overridden and category:
            found.add(TicketText(subject, description).text, category, "closed_tickets")
    for text, label in imported:
        found.add(text, label, "csv")
    if with_starter:
        for example in starter_examples():
            if example.category in tenant.categories:
                found.add(example.text, example.category, "starter")
    return found


def fit(training: TrainingSet) -> model.CategoryModel:
    if len(set(training.labels)) < 2:
        raise TrainingError(
            "need at least two categories with "
            f"{MIN_EXAMPLES_PER_LABEL}+ examples each; have {dict(Counter(training.labels))}"
        )
    return model.train(training.texts, training.labels)


async def train_and_activate(
    database: Database,
    tenant_id: uuid.UUID,
    *,
    imported: Sequence[tuple[str, str]] = (),
    with_starter: bool = True,
) -> tuple[TriageModelRecord, TrainingSet, service.TenantTriage]:
    """Collect, fit (in a thread, no transaction open), store as the next version and
    make it active."""

    def read(session: Session) -> tuple[service.TenantTriage, TrainingSet]:
        tenant = service.load_settings(session, tenant_id)
        found = collect(session, tenant, imported=imported, with_starter=with_starter)
        return tenant, found.without_rare_labels()

    tenant, training = await database.read(read)
    trained = await asyncio.to_thread(fit, training)

    def store(session: Session) -> TriageModelRecord:
        record = TriageModelRecord(
            tenant_id=tenant_id,
            version=service.next_model_version(session, tenant_id),
            kind=trained.kind,
            labels=trained.labels,
            n_train=len(training.texts),
            sources=dict(training.sources),
            model=trained.to_bytes(),
            created_at=utcnow(),
        )
        session.add(record)
        session.flush()
        service.activate_model(session, tenant_id, record.version)
        return record

    return await database.write(store, tenant_id=tenant_id), training, tenant

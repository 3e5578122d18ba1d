"""Training a tenant's own category model from what its agents decided.

Examples, newest first: each ticket's latest category override (feedback), tickets
resolved or closed with a category, rows of an imported CSV, and what the tenant wrote
about its categories before any ticket arrived: the description of each category
(triage configuration) and the knowledge-base articles filed under one (title and
body). Unless switched off, the starter examples of the tenant's categories join them
(so a young tenant's few examples do not leave the other categories without any). The
model is stored in the database under the next version, with the newest feedback it
read, and made active in the same transaction; every process uses it from its next
ticket on (`servicedesk.triage.service`).
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.kb.repository import ArticleRepository
from servicedesk.triage import model, service
from servicedesk.triage import repository as triage_rows
from servicedesk.triage.engine import TicketText
from servicedesk.triage.models import TriageModelRecord
from servicedesk.triage.starter import examples as starter_examples

CLOSED_STATUSES = ("resolved", "closed")
MAX_TICKETS = 200_000
MAX_ARTICLES = 5_000
_PHRASE_ENDS = re.compile(r"[,;:.\n]+")


class TrainingError(ValueError):
    """Not enough labelled examples to train; the message says what is missing."""


@dataclass
class TrainingSet:
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    sources: Counter[str] = field(default_factory=Counter)
    # The newest feedback row read: overrides after it are new to the model.
    feedback_through: int | None = None

    def add(self, text: str, label: str, source: str) -> None:
        self.texts.append(text)
        self.labels.append(label)
        self.sources[source] += 1


def collect(
    session: Session,
    tenant: service.TenantTriage,
    *,
    imported: Sequence[tuple[str, str]] = (),
    with_starter: bool = True,
) -> TrainingSet:
    found = TrainingSet(feedback_through=triage_rows.newest_feedback(session, tenant.tenant_id))
    overridden: set[uuid.UUID] = set()
    feedback = triage_rows.category_overrides(
        session, tenant.tenant_id, through=found.feedback_through or 0
    )
    for ticket_id, label, text in feedback:
        if ticket_id not in overridden and label:
            overridden.add(ticket_id)
            found.add(text, label, "feedback")
    closed = triage_rows.closed_with_category(
        session, tenant.tenant_id, CLOSED_STATUSES, MAX_TICKETS
    )
    for ticket_id, subject, description, category in closed:
        if ticket_id not in overridden and category:
            found.add(TicketText(subject, description).text, category, "closed_tickets")
    for text, label in imported:
        found.add(text, label, "csv")
    described = _add_tenants_own_words(session, tenant, found)
    if with_starter:
        for example in starter_examples():
            if example.category in tenant.categories and example.category not in described:
                found.add(example.text, example.category, "starter")
    return found


def _add_tenants_own_words(
    session: Session, tenant: service.TenantTriage, found: TrainingSet
) -> set[str]:
    """The descriptions of the tenant's categories (each phrase an example) and its
    articles filed under one; the categories they describe.

    The starter examples of a category of the same name are left out for those: they
    teach what the default taxonomy means by it, and a tenant that says what it means
    itself knows better (on the Endava tickets, 43 starter examples of "Hardware" beside
    the tenant's descriptions turned every first-day ticket into Hardware)."""
    described: set[str] = set()
    for category, description in tenant.category_descriptions:
        if category in tenant.categories:
            described.add(category)
            for phrase in description_phrases(description):
                found.add(phrase, category, "description")
    articles = ArticleRepository(session, tenant.tenant_id).filed_under(
        tenant.categories, MAX_ARTICLES
    )
    for article in articles:
        if article.category:
            described.add(article.category)
            found.add(f"{article.title}\n{article.body}", article.category, "kb_article")
    return described


def description_phrases(description: str) -> list[str]:
    """A description's phrases (split at , ; : . and line ends), each an example: a
    list of what a category covers teaches more as many short examples than as one
    (and gives the calibration folds something to hold out)."""
    return [phrase.strip() for phrase in _PHRASE_ENDS.split(description) if phrase.strip()]


def fit(training: TrainingSet) -> model.CategoryModel:
    if len(set(training.labels)) < 2:
        raise TrainingError(
            "need examples of at least two categories; have "
            f"{dict(Counter(training.labels)) or 'none'}"
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
        return tenant, found

    tenant, training = await database.read(read)
    trained = await asyncio.to_thread(fit, training)

    def store(session: Session) -> TriageModelRecord:
        record = TriageModelRecord(
            tenant_id=tenant_id,
            version=triage_rows.next_model_version(session, tenant_id),
            kind=trained.kind,
            labels=trained.labels,
            n_train=len(training.texts),
            sources=dict(training.sources),
            model=trained.to_bytes(),
            feedback_through=training.feedback_through,
            created_at=utcnow(),
        )
        session.add(record)
        session.flush()
        service.activate_model(session, tenant_id, record.version)
        return record

    return await database.write(store, tenant_id=tenant_id), training, tenant

"""The purge queries of retention: each deletes one batch of rows past their limit and
says how many it deleted (a short batch means the table is done for this round)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from servicedesk.jobs.models import JobState, OutboxJob
from servicedesk.triage.models import TriageFeedback, TriageModelRecord, TriageSettings
from servicedesk.webhooks.dispatch import DeliveryStatus
from servicedesk.webhooks.models import WebhookAttempt, WebhookDelivery


def _deleted(session: Session, statement: object) -> int:
    result = session.execute(statement.execution_options(synchronize_session=False))  # type: ignore[attr-defined]
    return int(result.rowcount)  # type: ignore[attr-defined]


def finished_deliveries(session: Session, before: datetime, batch: int) -> int:
    """Succeeded or failed deliveries last touched before `before`, with their attempts."""
    ids = list(
        session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status.in_([DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED]),
                WebhookDelivery.updated_at < before,
            )
            .limit(batch)
        )
    )
    if not ids:
        return 0
    _deleted(session, delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids)))
    return _deleted(session, delete(WebhookDelivery).where(WebhookDelivery.id.in_(ids)))


def failed_jobs(session: Session, before: datetime, batch: int) -> int:
    """Jobs that failed for good before `before` (finished jobs are deleted at once)."""
    ids = select(OutboxJob.id).where(
        OutboxJob.state == JobState.FAILED, OutboxJob.updated_at < before
    )
    return _deleted(session, delete(OutboxJob).where(OutboxJob.id.in_(ids.limit(batch))))


def old_feedback(session: Session, before: datetime, batch: int) -> int:
    ids = select(TriageFeedback.id).where(TriageFeedback.created_at < before)
    return _deleted(session, delete(TriageFeedback).where(TriageFeedback.id.in_(ids.limit(batch))))


def superseded_models(session: Session, kept: int, batch: int) -> int:
    """Each tenant's models but its newest `kept` versions and the active one."""
    rank = (
        func.row_number()
        .over(partition_by=TriageModelRecord.tenant_id, order_by=TriageModelRecord.version.desc())
        .label("rank")
    )
    ranked = select(
        TriageModelRecord.id, TriageModelRecord.tenant_id, TriageModelRecord.version, rank
    ).subquery()
    active = select(TriageSettings.active_model_version).where(
        TriageSettings.tenant_id == ranked.c.tenant_id,
        TriageSettings.active_model_version == ranked.c.version,
    )
    ids = select(ranked.c.id).where(ranked.c.rank > kept, ~active.exists()).limit(batch)
    return _deleted(session, delete(TriageModelRecord).where(TriageModelRecord.id.in_(ids)))

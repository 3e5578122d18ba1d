"""Retention: finished deliveries (with their attempts), failed jobs, old triage
feedback and superseded triage models are purged in batches; what is still in use
(pending deliveries and jobs, young rows, the active model) stays, and the tables stay
bounded while far more rows arrive than the limits keep."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from itertools import count
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.config import Settings
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.events.models import Event
from servicedesk.jobs.models import JobState, OutboxJob
from servicedesk.retention import service as retention
from servicedesk.tickets.models import Ticket
from servicedesk.triage.models import TriageFeedback, TriageModelRecord, TriageSettings
from servicedesk.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

IDS = count(1)
TABLES = (WebhookDelivery, WebhookAttempt, OutboxJob, TriageFeedback)


def _retaining(settings: Settings, **overrides: Any) -> Settings:
    limits = {
        "retention_webhook_deliveries_days": 1,
        "retention_failed_jobs_days": 1,
        "retention_triage_feedback_days": 1,
        "retention_triage_models_kept": 2,
    }
    return settings.model_copy(update={**limits, **overrides})


async def _world(database: Database) -> tuple[uuid.UUID, str, str, uuid.UUID]:
    """A tenant with a webhook, an event and a ticket for the rows to hang on."""

    def make(session: Session) -> tuple[uuid.UUID, str, str, uuid.UUID]:
        tenant = auth.get_or_create_tenant(session, f"retention-{next(IDS)}")
        now = utcnow()
        webhook = Webhook(
            id=f"wh_r{next(IDS)}",
            tenant_id=tenant.id,
            url="https://example.com/h",
            events=["ticket.*"],
            is_active=True,
            secret_encrypted="x",
            created_at=now,
            updated_at=now,
        )
        event = Event(
            id=f"evt_r{next(IDS)}",
            tenant_id=tenant.id,
            type="ticket.created",
            actor="test",
            occurred_at=now,
            data={},
        )
        ticket = Ticket(
            id=uuid.uuid4(),
            tenant_id=tenant.id,
            subject="s",
            metadata_={},
            description="d",
            priority="low",
            status="open",
            created_at=now,
            updated_at=now,
        )
        session.add_all([webhook, event, ticket])
        session.flush()
        return tenant.id, webhook.id, event.id, ticket.id

    return await database.write(make)


async def _add_rows(
    database: Database, world: tuple[uuid.UUID, str, str, uuid.UUID], n: int, age: timedelta
) -> None:
    tenant_id, webhook_id, event_id, ticket_id = world
    at = utcnow() - age

    def add(session: Session) -> None:
        for _ in range(n):
            delivery = WebhookDelivery(
                id=f"dlv_r{next(IDS)}",
                tenant_id=tenant_id,
                webhook_id=webhook_id,
                event_id=event_id,
                event_type="ticket.created",
                status="succeeded",
                attempt_count=2,
                created_at=at,
                updated_at=at,
            )
            session.add(delivery)
            session.flush()
            session.add_all(
                WebhookAttempt(delivery_id=delivery.id, attempted_at=at, latency_ms=1.0)
                for _ in range(2)
            )
            session.add(_job(tenant_id, JobState.FAILED, at))
            session.add(
                TriageFeedback(
                    tenant_id=tenant_id,
                    ticket_id=ticket_id,
                    field="category",
                    previous_value="a",
                    agent_value="b",
                    ticket_text="t",
                    actor="agent",
                    created_at=at,
                )
            )

    await database.write(add)


def _job(tenant_id: uuid.UUID, state: str, at: datetime) -> OutboxJob:
    return OutboxJob(
        tenant_id=tenant_id,
        kind="test",
        ordering_key=f"k{next(IDS)}",
        payload={},
        state=state,
        attempts=1,
        run_after=at + timedelta(days=365),
        created_at=at,
        updated_at=at,
    )


async def _counts(database: Database) -> dict[str, int]:
    def read(session: Session) -> dict[str, int]:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table)) or 0
            for table in TABLES
        }

    return await database.read(read)


async def test_tables_stay_bounded_while_far_more_rows_arrive_than_are_kept(
    database: Database, settings: Settings
) -> None:
    settings = _retaining(settings)
    world = await _world(database)
    young_per_round, rounds = 20, 4
    for _ in range(rounds):
        await _add_rows(database, world, 600, age=timedelta(days=2))  # past the limit
        await _add_rows(database, world, young_per_round, age=timedelta(hours=1))
        purged = await retention.purge_once(database, settings)
        assert purged["webhook_deliveries"] == 600
        counts = await _counts(database)
        kept = young_per_round * (_ + 1)
        assert counts == {
            "webhook_deliveries": kept,
            "webhook_attempts": 2 * kept,
            "outbox_jobs": kept,
            "triage_feedback": kept,
        }


async def test_a_backlog_larger_than_a_round_clears_batch_by_batch_over_rounds(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Scaled down: batches of 50 and 4 a round stand for 1,000 and 1,000, so a backlog
    # of 12 rounds' worth (a million rows, in the product) is 2,400 here.
    monkeypatch.setattr(retention, "BATCH", 50)
    monkeypatch.setattr(retention, "MAX_BATCHES_PER_ROUND", 4)
    settings = _retaining(settings)
    world = await _world(database)
    await _add_rows(database, world, 2400, age=timedelta(days=2))
    await _add_rows(database, world, 30, age=timedelta(hours=1))

    rounds = []
    while (purged := await retention.purge_once(database, settings))["webhook_deliveries"]:
        rounds.append(purged["webhook_deliveries"])
        assert len(rounds) <= 12

    assert rounds == [200] * 12  # never more than a round's batches at once
    assert await _counts(database) == {
        "webhook_deliveries": 30,
        "webhook_attempts": 60,
        "outbox_jobs": 30,
        "triage_feedback": 30,
    }


async def test_pending_deliveries_and_jobs_stay_however_old(
    database: Database, settings: Settings
) -> None:
    tenant_id, webhook_id, event_id, _ = await _world(database)
    old = utcnow() - timedelta(days=90)

    def add(session: Session) -> None:
        session.add(
            WebhookDelivery(
                id=f"dlv_r{next(IDS)}",
                tenant_id=tenant_id,
                webhook_id=webhook_id,
                event_id=event_id,
                event_type="ticket.created",
                status="pending",
                attempt_count=0,
                created_at=old,
                updated_at=old,
            )
        )
        session.add(_job(tenant_id, JobState.PENDING, old))

    await database.write(add)
    await retention.purge_once(database, _retaining(settings))
    counts = await _counts(database)
    assert counts["webhook_deliveries"] == 1
    assert counts["outbox_jobs"] == 1


async def test_the_newest_models_and_the_active_one_are_kept(
    database: Database, settings: Settings
) -> None:
    first, *_ = await _world(database)
    second, *_ = await _world(database)

    def add(session: Session) -> None:
        for tenant_id in (first, second):
            for version in range(1, 6):
                session.add(
                    TriageModelRecord(
                        tenant_id=tenant_id,
                        version=version,
                        kind="test",
                        labels=[],
                        n_train=1,
                        sources={},
                        model=b"x",
                        created_at=utcnow(),
                    )
                )
        session.add(
            TriageSettings(
                tenant_id=first,
                categories=["a"],
                auto_routing=False,
                threshold=0.5,
                never_auto_resolve=[],
                engine="local",
                active_model_version=2,
                updated_at=utcnow(),
            )
        )

    await database.write(add)
    await retention.purge_once(database, _retaining(settings))

    def versions(session: Session) -> dict[uuid.UUID, list[int]]:
        rows = session.execute(
            select(TriageModelRecord.tenant_id, TriageModelRecord.version).order_by(
                TriageModelRecord.version
            )
        ).all()
        found: dict[uuid.UUID, list[int]] = {}
        for tenant_id, version in rows:
            found.setdefault(tenant_id, []).append(version)
        return found

    assert await database.read(versions) == {first: [2, 4, 5], second: [4, 5]}


async def test_a_limit_of_zero_keeps_everything(database: Database, settings: Settings) -> None:
    world = await _world(database)
    await _add_rows(database, world, 5, age=timedelta(days=3650))
    keep_all = _retaining(
        settings,
        retention_webhook_deliveries_days=0,
        retention_failed_jobs_days=0,
        retention_triage_feedback_days=0,
    )
    assert await retention.purge_once(database, keep_all) == {"triage_models": 0}
    assert set((await _counts(database)).values()) == {5, 10}


async def test_the_worker_purges_in_the_background(database: Database, settings: Settings) -> None:
    world = await _world(database)
    await _add_rows(database, world, 30, age=timedelta(days=2))
    emptied = dict.fromkeys(
        ("webhook_deliveries", "webhook_attempts", "outbox_jobs", "triage_feedback"), 0
    )
    async with retention.purging(database, _retaining(settings, retention_interval_seconds=0.05)):
        # A round purges the tables one after another: wait for all of them (deliveries
        # gone while the round is still on feedback failed this on a busy machine).
        for _ in range(600):
            if await _counts(database) == emptied:
                break
            await asyncio.sleep(0.05)
    assert await _counts(database) == emptied

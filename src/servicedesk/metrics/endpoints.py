"""GET /metrics: the Prometheus text of every process on this host, the outbox and the
mirrors' sync states.

Registered only when metrics are enabled (404 otherwise, like any unknown path). With
`SERVICEDESK_METRICS_TOKEN` set, a scrape must send `Authorization: Bearer <token>`
(Prometheus's `authorization` block); without it the endpoint is open, for a scraper on
a private network.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from servicedesk.config import Settings
from servicedesk.db.base import utcnow
from servicedesk.db.session import DatabaseDep
from servicedesk.http import SettingsDep
from servicedesk.jobs import repository as jobs
from servicedesk.metrics import multiprocess
from servicedesk.tickets import repository as tickets

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

router = APIRouter(tags=["metrics"])


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, database: DatabaseDep, settings: SettingsDep) -> Response:
    if not _authorized(request, settings):
        return JSONResponse(
            {"error": "unauthorized", "message": "Missing or invalid metrics token"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    readings = await database.read(_read_database)
    from prometheus_client import CONTENT_TYPE_LATEST

    return Response(_exposition(readings, utcnow()), media_type=CONTENT_TYPE_LATEST)


def _authorized(request: Request, settings: Settings) -> bool:
    token = settings.metrics_token
    if token is None:
        return True
    given = request.headers.get("authorization", "")
    expected = f"Bearer {token.get_secret_value()}"
    return hmac.compare_digest(given.encode(), expected.encode())


@dataclass(frozen=True, slots=True)
class _Readings:
    backlog: jobs.Backlog
    unsettled_syncs: dict[str, int]


def _read_database(session: Session) -> _Readings:
    return _Readings(jobs.backlog(session), tickets.unsettled_sync_counts(session))


def _exposition(readings: _Readings, now: datetime) -> bytes:
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    if multiprocess.is_shared():
        processes = CollectorRegistry()
        MultiProcessCollector(processes)  # type: ignore[no-untyped-call]
    else:
        processes = REGISTRY
    database = CollectorRegistry()
    database.register(_DatabaseCollector(readings, now))
    return generate_latest(processes) + generate_latest(database)


class _DatabaseCollector:
    """The outbox and the mirrors as read at this scrape (a collector of one use)."""

    def __init__(self, readings: _Readings, now: datetime) -> None:
        self.backlog = readings.backlog
        self.unsettled_syncs = readings.unsettled_syncs
        self.now = now

    def collect(self) -> list[Metric]:
        from prometheus_client.core import GaugeMetricFamily

        jobs_now = GaugeMetricFamily(
            "servicedesk_outbox_jobs",
            "Outbox jobs now, by kind and state (pending: waiting or running; failed: "
            "given up, kept for inspection until retention purges them).",
            labels=["kind", "state"],
        )
        for kind, state, count in self.backlog.jobs:
            jobs_now.add_metric([kind, state], count)
        oldest = self.backlog.oldest_due
        age = GaugeMetricFamily(
            "servicedesk_outbox_oldest_due_job_age_seconds",
            "How long the longest-waiting due job has been due (0: none is due).",
            value=max(0.0, (self.now - oldest).total_seconds()) if oldest else 0.0,
        )
        syncs = GaugeMetricFamily(
            "servicedesk_provider_sync_tickets",
            "Tickets whose mirror in Freshservice or Zendesk is pending (being synced or "
            "waiting for a retry) or failed (rejected; an edit retries it), every tenant.",
            labels=["state"],
        )
        for state in ("pending", "failed"):
            syncs.add_metric([state], self.unsettled_syncs.get(state, 0))
        return [jobs_now, age, syncs]

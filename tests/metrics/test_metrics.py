"""GET /metrics: off by default, behind its token when one is set, counting requests by
route template, jobs by outcome and triage by outcome, and showing the outbox as the
database holds it. The last test runs `serve --workers 2` and checks that the counts of
both processes add up (prometheus-client's multiprocess mode)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy import update
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.config import Settings
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.jobs import repository as jobs
from servicedesk.jobs.service import JobSpec
from servicedesk.tickets.models import Ticket
from tests import live_server
from tests.conftest import ClientFactory, Drain
from tests.fakes.webhook_receiver import WebhookReceiver

TICKET_ROUTE = "/api/v1/tickets/{ticket_id}"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Webhooks to the loopback receiver, and a delivery that fails once fails for good."""
    return settings.model_copy(
        update={"webhook_allow_private_urls": True, "webhook_retry_window_seconds": 0}
    )


def samples(text: str) -> Iterator[tuple[str, dict[str, str], float]]:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            yield sample.name, sample.labels, sample.value


def value(text: str, name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels` (0 when none)."""
    return sum(
        number
        for found, found_labels, number in samples(text)
        if found == name and labels.items() <= found_labels.items()
    )


async def scrape(client: httpx.AsyncClient, **headers: str) -> str:
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_metrics_are_off_unless_enabled(client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 404


async def test_a_metrics_token_is_asked_for_when_one_is_set(client_with: ClientFactory) -> None:
    async with client_with(metrics_enabled=True, metrics_token=SecretStr("s3cret")) as client:
        missing = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert missing.status_code == wrong.status_code == 401
        assert missing.json()["error"] == "unauthorized"
        assert "servicedesk_outbox_jobs" in await scrape(client, Authorization="Bearer s3cret")


async def test_requests_are_counted_by_route_template_method_and_status(
    client_with: ClientFactory, headers: dict[str, str]
) -> None:
    async with client_with(metrics_enabled=True) as client:
        created = await client.post(
            "/api/v1/tickets", json={"subject": "Printer", "description": "Jammed"}, headers=headers
        )
        ticket_id = created.json()["id"]
        before = await scrape(client)
        for _ in range(3):
            assert (await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)).is_success
        missing = "00000000-0000-0000-0000-000000000000"
        assert (await client.get(f"/api/v1/tickets/{missing}", headers=headers)).status_code == 404
        await client.get("/no/such/path")
        after = await scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    ok = {"route": TICKET_ROUTE, "method": "GET"}
    assert delta("servicedesk_http_requests_total", status="200", **ok) == 3
    assert delta("servicedesk_http_requests_total", status="404", **ok) == 1
    assert delta("servicedesk_http_requests_total", route="unmatched", status="404") == 1
    assert delta("servicedesk_http_request_duration_seconds_count", **ok) == 4
    # No id ever becomes a label value: one series per template.
    assert not [labels for _, labels, _ in samples(after) if ticket_id in labels.get("route", "")]


async def test_triage_of_new_tickets_is_counted_by_outcome(
    client_with: ClientFactory, headers: dict[str, str]
) -> None:
    async with client_with(metrics_enabled=True) as client:
        before = await scrape(client)
        created = await client.post(
            "/api/v1/tickets",
            json={"subject": "VPN not connecting", "description": "Since this morning."},
            headers=headers,
        )
        assert created.status_code == 201
        after = await scrape(client)
    outcomes = ("ai_resolved", "pending_agent", "not_routed", "deferred")
    counted = {
        outcome: value(after, "servicedesk_triage_total", outcome=outcome)
        - value(before, "servicedesk_triage_total", outcome=outcome)
        for outcome in outcomes
    }
    assert sum(counted.values()) == 1, counted
    expected = created.json()["status"] if counted["deferred"] == 0 else None
    if expected in ("ai_resolved", "pending_agent"):
        assert counted[expected] == 1


async def _enqueue(database: Database, kind: str, *, overdue_by: timedelta) -> None:
    def write(session: Session) -> None:
        tenant = auth.get_or_create_tenant(session, "acme")
        spec = JobSpec(kind, f"{kind}:1", {}, run_after=utcnow() - overdue_by)
        jobs.enqueue(session, tenant.id, spec)

    await database.write(write)


async def test_the_outbox_is_shown_by_kind_and_state_with_the_oldest_due_jobs_age(
    client_with: ClientFactory, database: Database, drained: Drain
) -> None:
    kind = "test.unhandled"  # no handler: the worker fails it for good
    await _enqueue(database, kind, overdue_by=timedelta(minutes=5))
    # No embedded worker: it could fail the job while the first scrape is being made,
    # counted before `before_run` is read (seen in CI).
    async with client_with(metrics_enabled=True, worker_embedded=False) as client:
        waiting = await scrape(client)
        assert value(waiting, "servicedesk_outbox_jobs", kind=kind, state="pending") == 1
        assert value(waiting, "servicedesk_outbox_oldest_due_job_age_seconds") >= 300

        before_run = value(waiting, "servicedesk_jobs_total", kind=kind, outcome="failed")
        await drained()
        done = await scrape(client)
    assert value(done, "servicedesk_outbox_jobs", kind=kind, state="pending") == 0
    assert value(done, "servicedesk_outbox_jobs", kind=kind, state="failed") == 1
    assert value(done, "servicedesk_outbox_oldest_due_job_age_seconds") < 300
    # The test's worker ran in this process, so its count is in this process's registry.
    assert value(done, "servicedesk_jobs_total", kind=kind, outcome="failed") == before_run + 1


async def test_webhook_attempts_are_counted_by_result_and_deliveries_by_outcome(
    client_with: ClientFactory,
    headers: dict[str, str],
    receiver: WebhookReceiver,
    drained: Drain,
) -> None:
    async with client_with(metrics_enabled=True) as client:
        hook = await client.post(
            "/api/v1/webhooks",
            json={"url": receiver.url, "events": ["ticket.created"]},
            headers=headers,
        )
        assert hook.status_code == 201, hook.text
        before = await scrape(client)
        await client.post(
            "/api/v1/tickets", json={"subject": "A", "description": "Fine."}, headers=headers
        )
        await drained()
        receiver.status = 503  # no retries left in a window of 0 s: failed for good
        await client.post(
            "/api/v1/tickets", json={"subject": "B", "description": "Down."}, headers=headers
        )
        await drained()
        after = await scrape(client)

    def counted(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert counted("servicedesk_webhook_attempts_total", result="2xx") == 1
    assert counted("servicedesk_webhook_attempts_total", result="5xx") == 1
    assert counted("servicedesk_webhook_deliveries_total", outcome="delivered") == 1
    assert counted("servicedesk_webhook_deliveries_total", outcome="failed") == 1


async def test_tickets_whose_mirror_is_pending_or_failed_are_gauged(
    client_with: ClientFactory,
    database: Database,
    headers: dict[str, str],
) -> None:
    async with client_with(metrics_enabled=True) as client:
        quiet = await scrape(client)
        assert value(quiet, "servicedesk_provider_sync_tickets", state="failed") == 0
        ids = []
        for subject in ("A", "B", "C"):
            created = await client.post(
                "/api/v1/tickets", json={"subject": subject, "description": "x"}, headers=headers
            )
            ids.append(created.json()["id"])

        def mirror(session: Session) -> None:
            for ticket_id, state in zip(ids, ("pending", "failed", "synced"), strict=True):
                session.execute(
                    update(Ticket)
                    .where(Ticket.id == uuid.UUID(ticket_id))
                    .values(external_sync_status=state)
                )

        await database.write(mirror)
        shown = await scrape(client)
    assert value(shown, "servicedesk_provider_sync_tickets", state="pending") == 1
    assert value(shown, "servicedesk_provider_sync_tickets", state="failed") == 1


@pytest.mark.e2e
def test_every_server_process_is_counted_and_stopped_processes_files_are_removed(
    settings: Settings, database: Database
) -> None:
    metrics_dir = settings.data_dir / "metrics"
    metrics_dir.mkdir()
    gone = _pid_of_no_process()
    leftover = metrics_dir / f"counter_{gone}.db"
    leftover.write_bytes(b"")
    env = live_server.server_env(settings, SERVICEDESK_METRICS_ENABLED="true")
    with live_server.running(env, workers=2) as server:
        assert not leftover.exists()
        requests = 40
        for _ in range(requests):
            # A connection each: uvicorn's workers share the socket, so both answer some.
            assert httpx.get(f"{server.base_url}/healthz", timeout=10).status_code == 200
        text = httpx.get(f"{server.base_url}/metrics", timeout=10).text
        healthz = {"route": "/healthz", "method": "GET", "status": "200"}
        answered = value(text, "servicedesk_http_requests_total", **healthz)
        assert answered >= requests  # the readiness polls of the start count too
        files = sorted(metrics_dir.glob("counter_*.db"))
        assert len(files) >= 2  # one per serving process
        per_process = [_counted(file, "servicedesk_http_requests_total", healthz) for file in files]
        assert sum(per_process) == answered, per_process  # whichever process answered
        assert "servicedesk_outbox_oldest_due_job_age_seconds" in text


def _counted(file: Path, name: str, labels: dict[str, str]) -> float:
    """What one process's file holds for `name` with `labels`."""
    return sum(
        sample.value
        for family in MultiProcessCollector.merge([str(file)], accumulate=True)
        for sample in family.samples
        if sample.name == name and labels.items() <= sample.labels.items()
    )


def _pid_of_no_process() -> int:
    for candidate in range(4_000_000, 3_000_000, -1):
        try:
            os.kill(candidate, 0)
        except ProcessLookupError:
            return candidate
        except PermissionError:
            continue
    raise AssertionError("every pid is taken")

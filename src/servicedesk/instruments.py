"""What a process measures as it works: requests, jobs, triage, waits for a write.

Every function here is a no-op until `enable()` (one attribute check on the hot path),
and prometheus-client is imported only then: `multiprocess.prepare` must have set its
directory first, and a deployment with metrics off never loads it.

Labels are bounded: a route is its template (`/api/v1/tickets/{ticket_id}`, or
`unmatched`), a job its kind, never a tenant or an id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prometheus_client import Counter, Histogram

# Request and write-wait latencies: from a cached GET (~1 ms) to the request time limit.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
# Jobs and triage: an inline triage takes milliseconds, an LLM or a provider seconds.
WORK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class _Instruments:
    def __init__(self) -> None:
        from prometheus_client import Counter, Histogram

        self.requests: Counter = Counter(
            "servicedesk_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
        )
        self.request_seconds: Histogram = Histogram(
            "servicedesk_http_request_duration_seconds",
            "Time from a request's arrival to its answer.",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
        )
        self.jobs: Counter = Counter(
            "servicedesk_jobs",
            "Outbox jobs run, by kind and outcome: done, retry (runs again later) or "
            "failed (for good). webhook.deliver is webhook deliveries, provider.* the "
            "ITSM sync.",
            ["kind", "outcome"],
        )
        self.job_seconds: Histogram = Histogram(
            "servicedesk_job_duration_seconds",
            "Time a job ran, its outcome recorded.",
            ["kind"],
            buckets=WORK_BUCKETS,
        )
        self.triage: Counter = Counter(
            "servicedesk_triage",
            "Tickets triaged as they were created, by outcome: ai_resolved, "
            "pending_agent, not_routed (auto-routing off) or deferred (to the worker).",
            ["outcome"],
        )
        self.triage_seconds: Histogram = Histogram(
            "servicedesk_triage_duration_seconds",
            "Time the inline triage of a new ticket took.",
            buckets=WORK_BUCKETS,
        )
        self.webhook_attempts: Counter = Counter(
            "servicedesk_webhook_attempts",
            "Webhook POSTs made, by result: the answer's status class (2xx, 3xx, 4xx, "
            "5xx), timeout, connection_failed, or url_refused (the address is not allowed).",
            ["result"],
        )
        self.webhook_deliveries: Counter = Counter(
            "servicedesk_webhook_deliveries",
            "Webhook deliveries finished, by outcome: delivered, or failed (retries "
            "exhausted, the endpoint disabled or gone).",
            ["outcome"],
        )
        self.write_wait_seconds: Histogram = Histogram(
            "servicedesk_db_write_wait_seconds",
            "Time a write waited for its turn: the SQLite writer's queue, or a "
            "PostgreSQL pool connection.",
            ["database"],
            buckets=LATENCY_BUCKETS,
        )


_instruments: _Instruments | None = None


def enable() -> None:
    global _instruments
    if _instruments is None:
        _instruments = _Instruments()


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    if _instruments is None:
        return
    _instruments.requests.labels(route, method, str(status)).inc()
    _instruments.request_seconds.labels(route, method).observe(seconds)


def observe_job(kind: str, outcome: str, seconds: float) -> None:
    if _instruments is None:
        return
    _instruments.jobs.labels(kind, outcome).inc()
    _instruments.job_seconds.labels(kind).observe(seconds)


def observe_triage(outcome: str, seconds: float | None) -> None:
    if _instruments is None:
        return
    _instruments.triage.labels(outcome).inc()
    if seconds is not None:
        _instruments.triage_seconds.observe(seconds)


def observe_webhook_attempt(result: str) -> None:
    if _instruments is None:
        return
    _instruments.webhook_attempts.labels(result).inc()


def observe_webhook_delivery(outcome: str) -> None:
    if _instruments is None:
        return
    _instruments.webhook_deliveries.labels(outcome).inc()


def observe_write_wait(database: str, seconds: float) -> None:
    if _instruments is None:
        return
    _instruments.write_wait_seconds.labels(database).observe(seconds)

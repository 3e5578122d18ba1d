"""Delivering one webhook event to one endpoint, and what each attempt's outcome means.

Any 2xx is success. Anything else (3xx included: redirects are not followed), a timeout
or a refused connection is retried with exponential backoff and jitter, honouring
`Retry-After`, for `webhook_retry_window_seconds`; then the delivery is failed. An
endpoint that has failed for `webhook_disable_after_seconds`, or answered 410 Gone, is
deactivated with the reason in `disabled_reason`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.orm import Session

from servicedesk import __version__, instruments, tenant_config
from servicedesk.config import Settings
from servicedesk.crypto import secret_box
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.events.models import Event
from servicedesk.http import retry_after_seconds, tls_context
from servicedesk.jobs.service import Backoff, ClaimedJob, Done, Fail, Outcome, Retry
from servicedesk.webhooks import urls
from servicedesk.webhooks.dispatch import DeliveryStatus
from servicedesk.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from servicedesk.webhooks.repository import DeliveryRepository, WebhookRepository
from servicedesk.webhooks.signing import signature_headers

RESPONSE_BODY_CAP = 1024
ERROR_SNIPPET_CHARS = 200
USER_AGENT = f"servicedesk-webhooks/{__version__}"


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one POST to the endpoint came to."""

    attempted_at: datetime
    status_code: int | None
    latency_ms: float
    error: str | None
    retry_after: float | None
    # Why there is no status code: timeout, connection_failed or url_refused.
    no_answer: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def result(self) -> str:
        """The attempt's class, as the metrics count it."""
        if self.status_code is not None:
            return f"{self.status_code // 100}xx"
        return self.no_answer or "connection_failed"


@dataclass(frozen=True, slots=True)
class Skipped:
    """The delivery could not be attempted at all (its endpoint was deactivated)."""

    reason: str


def event_body(event: Event) -> bytes:
    """The JSON body every endpoint receives for an event."""
    body: dict[str, Any] = {
        "id": event.id,
        "type": event.type,
        "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "data": event.data,
    }
    if event.changes is not None:
        body["changes"] = event.changes
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def new_http_client(settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        follow_redirects=False,
        trust_env=False,
        verify=tls_context(),
        timeout=settings.webhook_timeout_seconds,
        headers={"User-Agent": USER_AGENT},
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
    )


class WebhookDeliveryHandler:
    """The outbox handler of `webhook.deliver` jobs."""

    def __init__(self, database: Database, settings: Settings, client: httpx.AsyncClient) -> None:
        self.database = database
        self.settings = settings
        self.client = client
        self.backoff = Backoff(
            settings.webhook_retry_base_seconds, settings.webhook_retry_max_seconds
        )

    async def perform(self, job: ClaimedJob) -> Attempt | Skipped | Done:
        delivery_id = job.payload["delivery_id"]
        found = await self.database.read(
            lambda session: DeliveryRepository(session, job.tenant_id).context(delivery_id)
        )
        if found is None:
            return Done()  # its webhook was deleted
        _, webhook, event = found
        if not webhook.is_active:
            return Skipped("Webhook is inactive")
        return await self._post(webhook, event)

    async def _post(self, webhook: Webhook, event: Event) -> Attempt:
        box = secret_box(self.settings)
        previous = None
        expires = webhook.previous_secret_expires_at
        if webhook.previous_secret_encrypted and expires and expires > utcnow():
            previous = box.decrypt(webhook.previous_secret_encrypted)
        body = event_body(event)
        headers = {
            "Content-Type": "application/json",
            "X-Servicedesk-Event": event.type,
            **signature_headers(
                box.decrypt(webhook.secret_encrypted), previous, event.id, int(time.time()), body
            ),
        }
        return await post_pinned(
            self.client,
            webhook.url,
            body,
            headers,
            allow_private=self.settings.webhook_allow_private_urls,
        )

    def record(self, session: Session, job: ClaimedJob, result: Attempt | Skipped) -> Outcome:
        delivery = DeliveryRepository(session, job.tenant_id).get(
            job.payload["delivery_id"], for_update=True
        )
        if delivery is None:
            return Done()
        # Not locked: deliveries to one endpoint finish side by side, and the health fields
        # they may write (failing_since, deactivation) tolerate the last writer winning.
        webhook = WebhookRepository(session, job.tenant_id).get(delivery.webhook_id)
        if webhook is None:
            return Done()
        now = utcnow()
        delivery.updated_at = now
        if isinstance(result, Skipped):
            _finish_delivery(delivery, DeliveryStatus.FAILED, result.reason)
            return Fail(result.reason)
        session.add(
            WebhookAttempt(
                delivery_id=delivery.id,
                attempted_at=result.attempted_at,
                status_code=result.status_code,
                latency_ms=result.latency_ms,
                error=result.error,
            )
        )
        instruments.observe_webhook_attempt(result.result)
        delivery.attempt_count += 1
        delivery.last_status_code = result.status_code
        delivery.last_error = result.error
        if result.succeeded:
            _finish_delivery(delivery, DeliveryStatus.SUCCEEDED, None)
            delivery.delivered_at = result.attempted_at
            if webhook.failing_since is not None:
                webhook.failing_since = None
            return Done()
        outcome = self._after_failure(webhook, delivery, result, now)
        if not webhook.is_active:
            tenant_config.bump(session, job.tenant_id)  # no more deliveries to it
        return outcome

    def _after_failure(
        self, webhook: Webhook, delivery: WebhookDelivery, attempt: Attempt, now: datetime
    ) -> Outcome:
        error = attempt.error or "delivery failed"
        # From when the first failure was recorded, not when its request began: a single
        # slow failed attempt must never count as an endpoint failing for a while.
        webhook.failing_since = webhook.failing_since or now
        failing_for = now - webhook.failing_since
        if attempt.status_code == 410:
            _deactivate(webhook, "The endpoint answered 410 Gone", now)
        elif failing_for >= timedelta(seconds=self.settings.webhook_disable_after_seconds):
            hours = failing_for.total_seconds() / 3600
            _deactivate(
                webhook, f"Every delivery failed for {hours:.1f} h; last error: {error}", now
            )
        if not webhook.is_active:
            _finish_delivery(delivery, DeliveryStatus.FAILED, error)
            return Fail(error)
        delay = self.backoff.delay(delivery.attempt_count)
        if attempt.retry_after is not None:
            delay = max(delay, min(attempt.retry_after, self.settings.webhook_retry_max_seconds))
        give_up_at = delivery.created_at + timedelta(
            seconds=self.settings.webhook_retry_window_seconds
        )
        if now + timedelta(seconds=delay) > give_up_at:
            _finish_delivery(delivery, DeliveryStatus.FAILED, error)
            return Fail(error)
        delivery.status = DeliveryStatus.PENDING
        delivery.next_retry_at = now + timedelta(seconds=delay)
        return Retry(delay, error)


def _finish_delivery(delivery: WebhookDelivery, status: DeliveryStatus, error: str | None) -> None:
    instruments.observe_webhook_delivery(
        "delivered" if status is DeliveryStatus.SUCCEEDED else "failed"
    )
    delivery.status = status
    delivery.next_retry_at = None
    if error is not None:
        delivery.last_error = error


def _deactivate(webhook: Webhook, reason: str, now: datetime) -> None:
    webhook.is_active = False
    webhook.disabled_reason = reason
    webhook.updated_at = now


async def post_pinned(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allow_private: bool,
) -> Attempt:
    """POST to the address the URL resolves to now, after checking that address.

    Connecting to the checked address (with the original Host and TLS server name)
    rather than the name closes the gap a rebinding DNS answer would slip through.
    """
    attempted_at = utcnow()
    started = time.perf_counter()

    def attempt(
        status: int | None,
        error: str | None,
        retry_after: float | None = None,
        no_answer: str | None = None,
    ) -> Attempt:
        latency = (time.perf_counter() - started) * 1000
        return Attempt(attempted_at, status, round(latency, 2), error, retry_after, no_answer)

    try:
        parsed = urls.parse(url, allow_private=allow_private)
        address = (await urls.checked_addresses(parsed, allow_private=allow_private))[0]
    except urls.WebhookUrlRejected as rejected:
        return attempt(None, str(rejected), no_answer="url_refused")
    target = parsed.copy_with(host=str(address))
    extensions = {"sni_hostname": parsed.host} if parsed.scheme == "https" else {}
    request_headers = {**headers, "Host": parsed.netloc.decode("ascii")}
    try:
        async with client.stream(
            "POST", target, content=body, headers=request_headers, extensions=extensions
        ) as response:
            snippet = await _read_capped(response)
    except httpx.TimeoutException:
        return attempt(None, "Timed out", no_answer="timeout")
    except httpx.HTTPError as error:
        return attempt(
            None, f"Connection failed: {type(error).__name__}", no_answer="connection_failed"
        )
    if 200 <= response.status_code < 300:
        return attempt(response.status_code, None)
    text = snippet.decode("utf-8", "replace")[:ERROR_SNIPPET_CHARS]
    message = f"HTTP {response.status_code}" + (f": {text}" if text else "")
    return attempt(response.status_code, message, retry_after_seconds(response))


async def _read_capped(response: httpx.Response) -> bytes:
    """At most RESPONSE_BODY_CAP bytes of the body: a receiver cannot make us read more."""
    received = bytearray()
    async for chunk in response.aiter_raw():
        received.extend(chunk)
        if len(received) >= RESPONSE_BODY_CAP:
            break
    return bytes(received[:RESPONSE_BODY_CAP])

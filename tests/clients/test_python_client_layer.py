"""The hand-written layer of clients/python, offline: retries that honour `Retry-After`,
webhook verification against the Standard Webhooks reference library, idempotency
keys, and `TicketFilters` held to the generated `list_tickets`."""

from __future__ import annotations

import base64
import email.utils
import inspect
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from servicedesk_client import (
    RetryPolicy,
    TicketFilters,
    WebhookVerificationError,
    idempotency_key_for,
    new_idempotency_key,
    verify_webhook,
)
from servicedesk_client.api.tickets import list_tickets
from servicedesk_client.connection import AsyncRetryingTransport, RetryingTransport
from standardwebhooks import Webhook as StandardWebhook

SECRET = base64.b64encode(b"k" * 27).decode()


def _answers(*responses: httpx.Response | type[Exception]) -> tuple[httpx.MockTransport, list[str]]:
    """A transport that answers with `responses` in turn and records each request's method."""
    queue = list(responses)
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        answer = queue.pop(0)
        if isinstance(answer, type):
            raise answer("refused", request=request)
        return answer

    return httpx.MockTransport(handle), seen


def _sync(
    policy: RetryPolicy, *responses: httpx.Response | type[Exception]
) -> tuple[httpx.Response, list[str], list[float]]:
    inner, seen = _answers(*responses)
    waits: list[float] = []
    transport = RetryingTransport(policy, inner, sleep=waits.append)
    with httpx.Client(transport=transport, base_url="http://desk.test") as http:
        response = http.post("/api/v1/tickets", json={"subject": "s"})
    return response, seen, waits


def test_a_429_is_retried_after_the_seconds_it_asks_for() -> None:
    limited = httpx.Response(429, headers={"Retry-After": "2"}, json={"detail": "slow down"})
    response, seen, waits = _sync(RetryPolicy(), limited, httpx.Response(201, json={}))

    assert response.status_code == 201
    assert seen == ["POST", "POST"]
    assert waits == [2.0]


def test_an_http_date_retry_after_is_read_as_the_time_until_then() -> None:
    later = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=10), usegmt=True)
    unavailable = httpx.Response(503, headers={"Retry-After": later})
    _, _, waits = _sync(RetryPolicy(), unavailable, httpx.Response(200))

    assert 8 <= waits[0] <= 10


def test_a_wait_longer_than_max_wait_is_returned_not_slept() -> None:
    limited = httpx.Response(429, headers={"Retry-After": "3600"})
    response, seen, waits = _sync(RetryPolicy(max_wait=30), limited)

    assert response.status_code == 429
    assert (seen, waits) == (["POST"], [])


def test_retries_stop_after_the_policy_and_back_off_without_retry_after() -> None:
    busy = [httpx.Response(503) for _ in range(3)]
    response, seen, waits = _sync(RetryPolicy(retries=2, backoff=0.25), *busy)

    assert response.status_code == 503
    assert len(seen) == 3
    assert waits == [0.25, 0.5]


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422, 500, 502])
def test_other_statuses_are_never_retried(status: int) -> None:
    response, seen, waits = _sync(RetryPolicy(), httpx.Response(status))

    assert response.status_code == status
    assert (len(seen), waits) == (1, [])


def test_a_refused_connection_is_retried_and_raised_when_it_stays_refused() -> None:
    response, seen, _ = _sync(RetryPolicy(), httpx.ConnectError, httpx.Response(200))
    assert response.status_code == 200
    assert len(seen) == 2

    with pytest.raises(httpx.ConnectError):
        _sync(RetryPolicy(retries=1), httpx.ConnectError, httpx.ConnectError)


def test_a_read_timeout_is_not_retried() -> None:
    """The request may have run: sending it again could create twice."""
    with pytest.raises(httpx.ReadTimeout):
        _sync(RetryPolicy(), httpx.ReadTimeout, httpx.Response(201))


async def test_the_async_transport_retries_the_same_way() -> None:
    limited = httpx.Response(429, headers={"Retry-After": "0"})
    inner, seen = _answers(limited, httpx.Response(200))
    transport = AsyncRetryingTransport(RetryPolicy(), inner)
    async with httpx.AsyncClient(transport=transport, base_url="http://desk.test") as http:
        response = await http.get("/api/v1/tickets")

    assert response.status_code == 200
    assert seen == ["GET", "GET"]


def _signed(body: bytes, secret: str = SECRET, at: datetime | None = None) -> dict[str, str]:
    """Headers signed by the reference library, as our deliveries are."""
    moment = at or datetime.now(UTC)
    signature = StandardWebhook(secret).sign("msg_1", moment, body.decode())
    return {
        "Webhook-Id": "msg_1",
        "Webhook-Timestamp": str(int(moment.timestamp())),
        "Webhook-Signature": signature,
    }


def test_verify_webhook_accepts_what_the_reference_library_signs() -> None:
    body = json.dumps({"type": "ticket.created", "data": {"id": "t1"}}).encode()

    assert verify_webhook(SECRET, body, _signed(body))["type"] == "ticket.created"
    assert verify_webhook("whsec_" + SECRET, body, _signed(body))["data"] == {"id": "t1"}


def test_verify_webhook_accepts_either_signature_during_a_rotation() -> None:
    body = b'{"type": "ticket.updated"}'
    old = base64.b64encode(b"o" * 27).decode()
    headers = _signed(body)
    headers["Webhook-Signature"] = (
        f"{_signed(body, old)['Webhook-Signature']} {headers['Webhook-Signature']}"
    )

    assert verify_webhook(SECRET, body, headers) == {"type": "ticket.updated"}
    assert verify_webhook(old, body, headers) == {"type": "ticket.updated"}


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("tampered", "no signature matches"),
        ("other secret", "no signature matches"),
        ("stale", "outside the tolerance"),
        ("unsigned", "missing"),
        ("secret not base64", "not base64"),
    ],
)
def test_verify_webhook_refuses(case: str, message: str) -> None:
    body = b'{"type": "ticket.created"}'
    secret, headers = SECRET, _signed(body)
    if case == "tampered":
        body = body.replace(b"created", b"deleted")
    elif case == "other secret":
        secret = base64.b64encode(b"x" * 27).decode()
    elif case == "stale":
        headers = _signed(body, at=datetime.now(UTC) - timedelta(minutes=6))
    elif case == "unsigned":
        del headers["Webhook-Signature"]
    else:
        secret = "not base64!"

    with pytest.raises(WebhookVerificationError, match=message):
        verify_webhook(secret, body, headers)


def test_idempotency_keys() -> None:
    key = idempotency_key_for("mailbox", "<abc@example.com>")

    assert key == idempotency_key_for("mailbox", "<abc@example.com>")
    assert key != idempotency_key_for("mailbo", "x<abc@example.com>")
    assert len(idempotency_key_for("x" * 10_000)) <= 255
    assert new_idempotency_key() != new_idempotency_key()
    with pytest.raises(ValueError, match="at least one part"):
        idempotency_key_for()


def test_ticket_filters_are_every_filter_list_tickets_takes() -> None:
    """A filter added to the API (and so to the generated function) must be added here."""
    parameters = inspect.signature(list_tickets.sync_detailed).parameters
    paging = {"client", "limit", "offset", "cursor", "order"}

    assert set(TicketFilters.__annotations__) == set(parameters) - paging

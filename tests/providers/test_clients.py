"""The clients' pure parts: reading the providers' inbound calls and error bodies."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from servicedesk.providers import freshservice, zendesk
from servicedesk.providers.base import (
    InboundChange,
    OutboundTicket,
    Rejected,
    Unavailable,
    failure_from_error,
    tracking_tag,
)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"ticket_id": 42, "status": 4, "priority": 1}, InboundChange("42", "resolved", "low")),
        (
            {"ticket_id": "42", "status": "Closed", "priority": "Urgent"},
            InboundChange("42", "closed", "urgent"),
        ),
        ({"ticket_id": "#INC-42", "status": "Pending"}, InboundChange("42", "pending", None)),
        ({"ticket_id": "42", "status": "On hold (custom)"}, InboundChange("42", None, None)),
        ({"status": 2}, None),
    ],
)
def test_freshservice_inbound(payload: dict[str, object], expected: InboundChange | None) -> None:
    assert freshservice.parse_inbound(payload) == expected


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            {"ticket_id": "7", "status": "Solved", "priority": "Normal"},
            InboundChange("7", "resolved", "medium"),
        ),
        ({"ticket_id": 7, "status": "hold"}, InboundChange("7", "pending", None)),
        ({"ticket_id": 7, "status": "New"}, InboundChange("7", "open", None)),
        ({"ticket_id": ""}, None),
    ],
)
def test_zendesk_inbound(payload: dict[str, object], expected: InboundChange | None) -> None:
    assert zendesk.parse_inbound(payload) == expected


async def test_error_bodies_become_the_providers_message_or_a_retry() -> None:
    def answer(
        status: int, body: bytes, headers: dict[str, str] | None = None
    ) -> httpx.MockTransport:
        return httpx.MockTransport(
            lambda request: httpx.Response(status, content=body, headers=headers)
        )

    cases = [
        (
            freshservice.FreshserviceClient,
            400,
            b'{"description": "Validation failed", "errors": '
            b'[{"field": "email", "message": "It should be a valid email address", '
            b'"code": "invalid_value"}]}',
            Rejected("email: It should be a valid email address"),
        ),
        (freshservice.FreshserviceClient, 400, b"not json", Rejected("not json")),
        (
            zendesk.ZendeskClient,
            422,
            b'{"error": "RecordInvalid", "details": {"requester": '
            b'[{"description": "Requester: cannot be blank"}]}}',
            Rejected("Requester: cannot be blank"),
        ),
        (
            zendesk.ZendeskClient,
            400,
            b'{"error": "InvalidValue", "description": "bad"}',
            Rejected("bad"),
        ),
    ]
    for client_class, status, body, expected in cases:
        async with httpx.AsyncClient(transport=answer(status, body)) as http:
            client = (
                freshservice.FreshserviceClient(http, "https://acme.freshservice.com", "k")
                if client_class is freshservice.FreshserviceClient
                else zendesk.ZendeskClient(http, "https://acme.zendesk.com", "a@b.test", "t")
            )
            assert await client.update("1", _ticket()) == expected

    async with httpx.AsyncClient(transport=answer(429, b"{}", {"Retry-After": "30"})) as http:
        limited = await freshservice.FreshserviceClient(http, "https://x", "k").update(
            "1", _ticket()
        )
    assert limited == Unavailable("HTTP 429: {}", retry_after=30.0, ambiguous=False)
    async with httpx.AsyncClient(transport=answer(404, b"{}")) as http:
        gone = await zendesk.ZendeskClient(http, "https://x", "a@b.test", "t").update(
            "1", _ticket()
        )
    assert isinstance(gone, Rejected)


async def test_a_zendesk_idempotency_conflict_is_ambiguous_not_a_rejection() -> None:
    """400 IdempotentRequestError: an earlier create with the same key may have made the
    ticket, so the sync must look it up rather than mark the ticket failed."""
    body = (
        b'{"error": "IdempotentRequestError", '
        b'"description": "Request parameters do not match the original request"}'
    )
    transport = httpx.MockTransport(lambda request: httpx.Response(400, content=body))
    async with httpx.AsyncClient(transport=transport) as http:
        client = zendesk.ZendeskClient(http, "https://acme.zendesk.com", "a@b.test", "t")
        result = await client.create(_ticket())
    assert isinstance(result, Unavailable)
    assert result.ambiguous


def test_only_errors_after_sending_are_ambiguous() -> None:
    request = httpx.Request("POST", "https://x")
    assert not failure_from_error(httpx.ConnectError("refused", request=request)).ambiguous
    assert failure_from_error(httpx.ReadTimeout("slow", request=request)).ambiguous
    assert failure_from_error(httpx.RemoteProtocolError("dropped", request=request)).ambiguous


def _ticket() -> OutboundTicket:
    return OutboundTicket(uuid.uuid4(), "s", "d", "open", "high", "a@b.test")


def test_the_tracking_tag_fits_freshworks_32_characters_and_names_one_ticket() -> None:
    ids = [uuid.uuid4() for _ in range(1000)] + [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)]
    tags = {tracking_tag(ticket_id) for ticket_id in ids}
    assert len(tags) == len(ids)
    assert max(len(tag) for tag in tags) == 29
    assert all(re.fullmatch(r"sd-[a-z2-7]{26}", tag) for tag in tags)

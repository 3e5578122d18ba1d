"""The ticket object built straight from the database's columns is exactly what the
documented response model makes of them (the database gives every time in UTC)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from servicedesk.tickets.schemas import TicketOut, instant, ticket_document
from tests.tickets.columns import MIRRORED

BASE: dict[str, Any] = {
    "id": uuid.UUID("5c2e8f1a-3d4b-4e6f-9a1c-7b2d8e0f5a3c"),
    "subject": "VPN not connecting",
    "description": "Unable to connect since this morning.",
    "status": "open",
    "priority": None,
    "requester_email": None,
    "external_provider": None,
    "external_ticket_id": None,
    "external_ticket_url": None,
    "external_sync_status": None,
    "external_sync_error": None,
    "external_account": None,
    "metadata": {},
    "category": None,
    "ai_suggested_response": None,
    "confidence_score": None,
    "custom_fields": {},
    "group_id": None,
    "assignee_id": None,
    "sla": None,
    "created_at": datetime(2026, 2, 20, 14, 30, tzinfo=UTC),
    "updated_at": datetime(2026, 2, 20, 14, 30, tzinfo=UTC),
}

CASES = [
    {},
    {"updated_at": datetime(2026, 2, 20, 14, 30, 0, 1, tzinfo=UTC)},
    {"created_at": datetime(2026, 2, 20, 16, 30, 5, 120_000, tzinfo=UTC)},
    {"priority": "urgent", "requester_email": "ann@example.com", "status": "pending_agent"},
    {"metadata": {"a": [1, {"b": None}], "ü": "✓"}, "custom_fields": {"tags": ["vpn"], "n": 2.5}},
    {"confidence_score": 0.9234, "category": "Network", "ai_suggested_response": "Restart it."},
    {"confidence_score": 0.0},
    {"group_id": uuid.UUID(int=7), "assignee_id": uuid.UUID(int=8)},
    {
        "sla": {
            "policy_id": "sla_0123456789abcdef",
            "first_response_due_at": "2026-02-20T15:00:00Z",
            "first_responded_at": "2026-02-20T14:45:10.250000Z",
            "resolution_due_at": None,
            "resolved_at": None,
            "paused": True,
            "breached": ["resolution"],
        }
    },
    MIRRORED,
]


@pytest.mark.parametrize("change", CASES)
def test_the_document_is_what_the_response_model_renders(change: dict[str, Any]) -> None:
    columns = {**BASE, **change}

    assert ticket_document(columns) == TicketOut.model_validate(columns).model_dump(mode="json")


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 2, 20, 14, 30, tzinfo=UTC),
        datetime(2026, 2, 20, 14, 30, 0, 1, tzinfo=UTC),
        datetime(2026, 2, 20, 16, 30, 5, 120_000, tzinfo=timezone(timedelta(hours=2))),
        datetime(2026, 2, 20, 16, 30, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
    ],
)
def test_an_instant_is_rendered_in_utc_as_the_response_model_renders_it(at: datetime) -> None:
    in_utc = at.astimezone(UTC)
    expected = TicketOut.model_validate({**BASE, "created_at": in_utc}).model_dump(mode="json")

    assert instant(at) == expected["created_at"]

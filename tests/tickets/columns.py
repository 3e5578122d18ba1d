"""A ticket with every column of the tickets table filled, for the tests that hold a
read path to what the session reads (UUIDs, JSON, times, a float, a boolean)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from servicedesk.db.database import Database
from servicedesk.tickets.models import Ticket

# The mirror's columns, as a synced Freshservice ticket has them.
MIRRORED: dict[str, Any] = {
    "external_provider": "freshservice",
    "external_ticket_id": "1042",
    "external_ticket_url": "https://acme.freshservice.com/a/tickets/1042",
    "external_sync_status": "synced",
    "external_sync_error": "was slow",
    "external_account": "freshservice:acme",
}
# By attribute (`metadata_`); times with and without microseconds.
EVERY_COLUMN: dict[str, Any] = {
    **MIRRORED,
    "priority": "urgent",
    "requester_email": "ann@example.com",
    "metadata_": {"a": [1, {"b": None}], "ü": "✓"},
    "custom_fields": {"tags": ["vpn"], "n": 2.5},
    "category": "Network",
    "ai_suggested_response": "Restart it.",
    "confidence_score": 0.9234,
    "group_id": uuid.UUID(int=7),
    "assignee_id": uuid.UUID(int=8),
    "sla": {"policy_id": "sla_0123456789abcdef", "breached": ["resolution"]},
    "sla_clock": {"started_at": "2026-02-20T14:30:00Z"},
    "sla_policy_id": "sla_0123456789abcdef",
    "sla_due_at": datetime(2026, 2, 20, 16, 30, 5, 120_000, tzinfo=UTC),
    "sla_breached": True,
    "created_at": datetime(2026, 2, 20, 14, 30, tzinfo=UTC),
    "updated_at": datetime(2026, 2, 20, 16, 30, 5, 120_000, tzinfo=UTC),
}


async def fill_every_column(database: Database, ticket_id: uuid.UUID) -> uuid.UUID:
    """Fill the ticket's every column (EVERY_COLUMN); its tenant's id."""
    await database.write(
        lambda session: session.execute(
            update(Ticket).where(Ticket.id == ticket_id).values(**EVERY_COLUMN)
        )
    )
    tenant_id: uuid.UUID = await database.read(
        lambda session: session.scalar(select(Ticket.tenant_id).where(Ticket.id == ticket_id))
    )
    return tenant_id

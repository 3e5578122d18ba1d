"""Helpers of the SLA tests: a policy through the API, a ticket moved back in time."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.orm import Session

from servicedesk.db.database import Database
from servicedesk.sla.clock import Clock
from servicedesk.tickets.models import Ticket

URGENT_24X7: dict[str, Any] = {
    "name": "Urgent around the clock",
    "position": 1,
    "conditions": {"priority": ["urgent"]},
    "calendar": "24x7",
    "targets": {"urgent": {"first_response_minutes": 30, "resolution_minutes": 240}},
}


async def create_policy(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/sla/policies", json={**URGENT_24X7, **overrides}, headers=headers
    )
    assert response.status_code == 201, response.text
    policy: dict[str, Any] = response.json()
    return policy


async def move_back(database: Database, ticket_id: str, by: timedelta) -> None:
    """As if everything that happened to the ticket so far had happened `by` earlier: its
    creation and what its SLA clock remembers (its next change derives again)."""

    def move(session: Session) -> None:
        ticket = session.get(Ticket, uuid.UUID(ticket_id))
        assert ticket is not None
        values: dict[str, Any] = {"created_at": ticket.created_at - by}
        if ticket.sla_clock is not None:
            values["sla_clock"] = _earlier(Clock.from_json(ticket.sla_clock), by).to_json()
        session.execute(update(Ticket).where(Ticket.id == ticket.id).values(**values))

    await database.write(move)


def _earlier(clock: Clock, by: timedelta) -> Clock:
    def back(moment: datetime | None) -> datetime | None:
        return None if moment is None else moment - by

    return replace(
        clock,
        stops=tuple((start - by, end - by) for start, end in clock.stops),
        stopped_since=back(clock.stopped_since),
        first_responded_at=back(clock.first_responded_at),
        resolved_at=back(clock.resolved_at),
    )

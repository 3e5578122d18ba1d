"""The dashboard's figures, from tickets made through the API and the console."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx

from servicedesk.console.dashboard import day_bars, duration
from servicedesk.db.database import Database
from servicedesk.reports.service import dashboard
from servicedesk.tickets.models import Ticket
from tests.conftest import UserFactory
from tests.console.helpers import csrf_of, sign_in


async def test_the_dashboard_counts_what_happened(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_user: UserFactory,
    create_ticket: Any,
    database: Database,
) -> None:
    agent = await make_user(email="agent@example.com")
    group = (await client.post("/api/v1/groups", headers=headers, json={"name": "Desk"})).json()
    first = await create_ticket(group_id=group["id"])
    await create_ticket(status="ai_resolved")
    await create_ticket(status="pending_agent", assignee_id=str(agent))
    await client.post(
        f"/api/v1/tickets/{first['id']}/notes",
        headers=headers,
        json={"body": "On it", "private": False},
    )
    await client.post(
        f"/api/v1/tickets/{first['id']}/notes",
        headers=headers,
        json={"body": "Later", "private": False},
    )
    figures = await dashboard(database, await _tenant_of(database, first["id"]))

    assert figures.created == 3
    assert figures.ai_resolved == 1
    assert sum(count for _, count in figures.created_per_day) == 3
    assert len(figures.created_per_day) == 30
    assert figures.first_replies == 1
    assert figures.median_first_reply_seconds is not None
    assert figures.median_first_reply_seconds < 60
    assert figures.backlog_per_group[uuid.UUID(group["id"])] == 1

    await sign_in(client, "agent@example.com")
    page = await client.get("/console/dashboard")
    assert page.status_code == 200
    assert 'id="created">3<' in page.text
    assert "33%" in page.text  # one of three resolved by the AI
    assert "Desk" in page.text


async def test_kept_categories_count_the_agents_overrides(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_user: UserFactory,
    create_ticket: Any,
    database: Database,
) -> None:
    await make_user(email="agent@example.com")
    tickets = [await create_ticket() for _ in range(2)]
    await sign_in(client, "agent@example.com")
    token = await csrf_of(client)
    changed = "Hardware" if tickets[0]["category"] != "Hardware" else "Network"
    await client.post(
        f"/console/tickets/{tickets[0]['id']}/fields",
        data={"csrf_token": token, "category": changed, "status": tickets[0]["status"]},
    )

    figures = await dashboard(database, await _tenant_of(database, tickets[0]["id"]))

    assert figures.triaged == 2
    assert figures.category_overrides == 1
    assert figures.category_kept_share == 0.5


def test_bars_scale_to_the_busiest_day() -> None:
    bars = day_bars([(date(2026, 12, 1), 2), (date(2026, 12, 2), 4), (date(2026, 12, 3), 0)])
    assert [bar.height for bar in bars] == [70.0, 140.0, 0.0]
    assert bars[1].y == 0.0
    assert duration(None) == "—"
    assert duration(600) == "10 min"
    assert duration(3 * 3600) == "3.0 h"


async def _tenant_of(database: Database, ticket_id: str) -> uuid.UUID:
    ticket = await database.read(lambda session: session.get(Ticket, uuid.UUID(ticket_id)))
    assert ticket is not None
    return ticket.tenant_id

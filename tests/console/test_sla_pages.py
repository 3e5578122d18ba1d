"""The SLA in the console: a due-time badge on the queues and the ticket page, the
breached view and the nearest-due sort, the dashboard's SLA by priority."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from servicedesk.console.render import sla_badge
from servicedesk.db.database import Database
from tests.conftest import UserFactory
from tests.console.helpers import sign_in
from tests.sla.conftest import create_policy, move_back

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)


def _sla(**changes: Any) -> dict[str, Any]:
    return {
        "policy_id": "sla_x",
        "first_response_due_at": "2026-03-09T10:30:00Z",
        "first_responded_at": None,
        "resolution_due_at": "2026-03-09T14:00:00Z",
        "resolved_at": None,
        "paused": False,
        "breached": [],
        **changes,
    }


@pytest.mark.parametrize(
    ("sla", "kind", "text"),
    [
        (None, None, None),
        (_sla(), "soon", "Due in 30 min"),
        (_sla(first_responded_at="2026-03-09T10:05:00Z"), "due", "Due in 4 h"),
        (_sla(breached=["first_response"]), "breached", "SLA breached"),
        (
            _sla(paused=True, first_response_due_at=None, resolution_due_at=None),
            "paused",
            "SLA paused",
        ),
        (
            _sla(first_responded_at="2026-03-09T10:05:00Z", resolved_at="2026-03-09T11:00:00Z"),
            "met",
            "SLA met",
        ),
        (_sla(first_response_due_at="2026-03-09T09:59:00Z"), "breached", "Overdue"),
    ],
    ids=["none", "soon", "due", "breached", "paused", "met", "overdue"],
)
def test_the_badge(sla: dict[str, Any] | None, kind: str | None, text: str | None) -> None:
    badge = sla_badge(sla, NOW)
    shown = (badge.kind, badge.text) if badge is not None else (None, None)
    assert shown == (kind, text)


async def test_queues_ticket_page_and_dashboard_show_the_sla(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_user: UserFactory,
    create_ticket: Any,
    database: Database,
) -> None:
    await create_policy(client, headers)
    late = await create_ticket(priority="urgent", subject="Late <b>one</b>", status="pending_agent")
    await create_ticket(priority="urgent", subject="Fresh one", status="pending_agent")
    await create_ticket(priority="low", subject="No SLA", status="pending_agent")
    await move_back(database, late["id"], timedelta(hours=5))
    await client.patch(
        f"/api/v1/tickets/{late['id']}", json={"metadata": {"a": 1}}, headers=headers
    )
    await make_user(email="agent@example.com")
    await sign_in(client, "agent@example.com")

    queue = (await client.get("/console/views/all?sort=sla_due")).text
    assert (
        queue.index("Late &lt;b&gt;one&lt;/b&gt;")
        < queue.index("Fresh one")
        < queue.index("No SLA")
    )
    assert 'class="sla sla-breached">SLA breached<' in queue
    assert 'class="sla sla-soon">Due in 29 min<' in queue

    breached = (await client.get("/console/views/breached")).text
    assert "Late &lt;b&gt;one&lt;/b&gt;" in breached
    assert "Fresh one" not in breached

    page = (await client.get(f"/console/tickets/{late['id']}")).text
    assert 'id="ticket-sla"' in page
    assert "missed: first response, resolution" in page

    dashboard = (await client.get("/console/dashboard")).text
    assert 'id="sla-report"' in dashboard
    assert "0 met · 1 breached · 0 at risk · 2 in all" in dashboard

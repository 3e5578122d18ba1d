"""The console's dashboard: the last 30 days at a glance, charts drawn as inline SVG on
the server (no chart library, no script)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from servicedesk.console.access import CurrentUser, directory_of
from servicedesk.console.render import PRIORITIES, page
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.db.session import DatabaseDep
from servicedesk.reports.service import Dashboard, dashboard
from servicedesk.sla import service as sla
from servicedesk.tickets.dependencies import TicketsDep
from servicedesk.users.service import Directory

router = APIRouter(prefix="/console", include_in_schema=False)

CHART_WIDTH = 600
CHART_HEIGHT = 140


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def day_bars(per_day: list[tuple[date, int]]) -> list[Bar]:
    """One bar per day, scaled to the busiest day."""
    tallest = max((count for _, count in per_day), default=0) or 1
    slot = CHART_WIDTH / max(len(per_day), 1)
    bars = []
    for index, (day, count) in enumerate(per_day):
        height = CHART_HEIGHT * count / tallest
        bars.append(
            Bar(
                x=index * slot + 1,
                y=CHART_HEIGHT - height,
                width=max(slot - 2, 1),
                height=height,
                label=day.isoformat(),
                value=count,
            )
        )
    return bars


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes = seconds / 60
    if minutes < 90:
        return f"{minutes:.0f} min"
    hours = minutes / 60
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _group_name(directory: Directory, group_id: uuid.UUID | None) -> str:
    team = directory.groups.get(group_id) if group_id is not None else None
    return team.name if team is not None else "No group"


@dataclass(frozen=True, slots=True)
class SlaRow:
    """One priority's tickets with an SLA: how many met, breached, are at risk, and the
    share of each (percent of the row's tickets)."""

    priority: str
    tickets: int
    met: int
    breached: int
    at_risk: int

    def share(self, count: int) -> float:
        return 100 * count / self.tickets if self.tickets else 0.0


async def sla_rows(database: Database, tenant_id: uuid.UUID, days: int) -> list[SlaRow]:
    """The SLA report of the last `days` days by priority, most urgent first."""
    end = utcnow()
    groups = await sla.report(database, tenant_id, end - timedelta(days=days), end, "priority")
    order = {priority: index for index, priority in enumerate(reversed(PRIORITIES))}
    rows = [
        SlaRow(
            group["key"] or "none",
            group["tickets"],
            group["met"],
            group["breached"],
            group["open_at_risk"],
        )
        for group in groups
    ]
    return sorted(rows, key=lambda row: order.get(row.priority, len(order)))


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard_page(
    request: Request, user: CurrentUser, database: DatabaseDep, tickets: TicketsDep
) -> Response:
    figures: Dashboard = await dashboard(database, user.tenant_id)
    directory = await directory_of(tickets, user)
    backlog: list[tuple[str, int]] = sorted(
        (
            (_group_name(directory, group), count)
            for group, count in figures.backlog_per_group.items()
        ),
        key=lambda item: -item[1],
    )
    widest = max((count for _, count in backlog), default=0) or 1
    context: dict[str, Any] = {
        "figures": figures,
        "bars": day_bars(figures.created_per_day),
        "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT},
        "backlog": [(name, count, 100 * count / widest) for name, count in backlog],
        "ai_resolved_share": share(figures.ai_resolved_share),
        "category_kept_share": share(figures.category_kept_share),
        "median_first_reply": duration(figures.median_first_reply_seconds),
        "sla_rows": await sla_rows(database, user.tenant_id, figures.days),
    }
    return page(request, "dashboard.html", user, context)

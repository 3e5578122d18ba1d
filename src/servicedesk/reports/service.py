"""The dashboard's figures for one tenant over the last `days` days."""

from __future__ import annotations

import statistics
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.reports.repository import ReportRepository


@dataclass(frozen=True, slots=True)
class Dashboard:
    days: int
    created_per_day: list[tuple[date, int]]
    created: int
    ai_resolved: int
    triaged: int
    category_overrides: int
    backlog_per_group: dict[uuid.UUID | None, int]
    first_replies: int
    median_first_reply_seconds: float | None

    @property
    def ai_resolved_share(self) -> float | None:
        return self.ai_resolved / self.created if self.created else None

    @property
    def category_kept_share(self) -> float | None:
        """Of the tickets triage categorised, the share whose category no person changed."""
        if not self.triaged:
            return None
        return max(0.0, 1.0 - self.category_overrides / self.triaged)


async def dashboard(database: Database, tenant_id: uuid.UUID, *, days: int = 30) -> Dashboard:
    def read(session: Session) -> Dashboard:
        repository = ReportRepository(session, tenant_id)
        today = utcnow().date()
        first_day = today - timedelta(days=days - 1)
        since = utcnow().replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
            days=days - 1
        )
        per_day = repository.created_per_day(since)
        statuses = repository.status_counts(since)
        replies = repository.first_reply_seconds(since)
        return Dashboard(
            days=days,
            created_per_day=[
                (first_day + timedelta(days=n), per_day.get(first_day + timedelta(days=n), 0))
                for n in range(days)
            ],
            created=sum(statuses.values()),
            ai_resolved=statuses.get("ai_resolved", 0),
            triaged=repository.triaged_tickets(since),
            category_overrides=repository.category_overrides(since),
            backlog_per_group=repository.backlog_per_group(),
            first_replies=len(replies),
            median_first_reply_seconds=statistics.median(replies) if replies else None,
        )

    return await database.read(read)

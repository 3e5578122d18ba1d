"""The console's queues: named views of the tenant's tickets, each its own URL."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from servicedesk.console.sessions import SignedIn
from servicedesk.tickets.repository import ORDERS, UNASSIGNED, TicketFilters, search_words
from servicedesk.users.service import Directory


@dataclass(frozen=True, slots=True)
class View:
    slug: str
    title: str
    filters: Callable[[SignedIn, Directory], TicketFilters]


def _my_groups(user: SignedIn, directory: Directory) -> TicketFilters:
    groups = tuple(team.id for team in directory.groups_of(user.user_id))
    return TicketFilters(group_ids=groups or (NOBODY,))


VIEWS: dict[str, View] = {
    view.slug: view
    for view in (
        View("review", "Needs review", lambda user, _: TicketFilters(status="pending_agent")),
        View("mine", "Mine", lambda user, _: TicketFilters(assignee_id=user.user_id)),
        View("groups", "My groups", _my_groups),
        View("unassigned", "Unassigned", lambda user, _: TicketFilters(assignee_id=UNASSIGNED)),
        View("breached", "SLA breached", lambda user, _: TicketFilters(sla_breached=True)),
        View("all", "All tickets", lambda user, _: TicketFilters()),
    )
}
DEFAULT_VIEW = "review"
SORTS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "updated": "Recently updated",
    "sla_due": "SLA due first",
}
assert set(SORTS) == set(ORDERS)


@dataclass(frozen=True, slots=True)
class Refinement:
    """What the queue's filter form adds to a view (each empty when not chosen)."""

    status: str = ""
    priority: str = ""
    category: str = ""
    group_id: str = ""
    assignee_id: str = ""
    search: str = ""
    sort: str = "newest"

    def apply(self, filters: TicketFilters) -> TicketFilters:
        changes: dict[str, object] = {}
        if self.status:
            changes["status"] = self.status
        if self.priority:
            changes["priority"] = self.priority
        if self.category:
            changes["category"] = self.category
        if self.search and search_words(self.search):
            changes["search"] = self.search
        if self.group_id:
            changes["group_id"] = _uuid_or_nil(self.group_id)
        if self.assignee_id:
            changes["assignee_id"] = (
                UNASSIGNED if self.assignee_id == "none" else _uuid_or_nil(self.assignee_id)
            )
        return replace(filters, **changes)  # type: ignore[arg-type]

    def query(self) -> dict[str, str]:
        """The refinement as query parameters (empty ones left out)."""
        values = {
            "status": self.status,
            "priority": self.priority,
            "category": self.category,
            "group_id": self.group_id,
            "assignee_id": self.assignee_id,
            "search": self.search,
        }
        if self.sort != "newest":
            values["sort"] = self.sort
        return {name: value for name, value in values.items() if value}


# No user or group has this id: what a filter on a malformed id matches.
NOBODY = uuid.UUID(int=1)


def _uuid_or_nil(raw: str) -> uuid.UUID:
    """A filter on an id that is not one matches nothing, as on an unknown id."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        return NOBODY

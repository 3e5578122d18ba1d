"""Every ticket a list matches, page after page, as an iterator.

Pages follow `next_cursor`, so a ticket created while you iterate neither repeats nor
shifts one out; a `search` (which has no cursor) pages with `offset`. Filters are
those of `list_tickets`; tests hold `TicketFilters` to its signature.
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator, Iterator
from typing import TypedDict, Unpack
from uuid import UUID

from servicedesk_client.api.tickets import list_tickets
from servicedesk_client.client import AuthenticatedClient
from servicedesk_client.models import TicketList, TicketOut, TicketPriority, TicketStatus
from servicedesk_client.results import unwrap
from servicedesk_client.types import UNSET, Unset

PAGE_SIZE = 100
OFFSET_MAX = 100_000


class TicketFilters(TypedDict, total=False):
    status: TicketStatus | None
    start_date: datetime.date | datetime.datetime | None
    end_date: datetime.date | datetime.datetime | None
    priority: TicketPriority | None
    category: str | None
    requester_email: str | None
    updated_since: datetime.date | datetime.datetime | None
    group_id: UUID | None
    assignee_id: str | None
    sla_breached: bool | None
    sla_due_before: datetime.date | datetime.datetime | None
    search: str | None
    cf: list[str] | None


def iter_tickets(
    client: AuthenticatedClient, *, page_size: int = PAGE_SIZE, **filters: Unpack[TicketFilters]
) -> Iterator[TicketOut]:
    """Newest first; `ApiError` on an error response."""
    cursor: str | Unset = UNSET
    offset = 0
    while True:
        response = list_tickets.sync_detailed(
            client=client, limit=page_size, offset=offset, cursor=cursor, **filters
        )
        page = unwrap(response, TicketList)
        yield from page.tickets
        next_step = _next(page, filters, offset)
        if next_step is None:
            return
        cursor, offset = next_step


async def aiter_tickets(
    client: AuthenticatedClient, *, page_size: int = PAGE_SIZE, **filters: Unpack[TicketFilters]
) -> AsyncIterator[TicketOut]:
    """`iter_tickets` for asyncio."""
    cursor: str | Unset = UNSET
    offset = 0
    while True:
        response = await list_tickets.asyncio_detailed(
            client=client, limit=page_size, offset=offset, cursor=cursor, **filters
        )
        page = unwrap(response, TicketList)
        for ticket in page.tickets:
            yield ticket
        next_step = _next(page, filters, offset)
        if next_step is None:
            return
        cursor, offset = next_step


def _next(page: TicketList, filters: TicketFilters, offset: int) -> tuple[str | Unset, int] | None:
    """Where the page after `page` starts: (cursor, 0), (UNSET, offset) or None at the end."""
    if page.next_cursor:
        return page.next_cursor, 0
    reached = offset + len(page.tickets)
    if filters.get("search") and len(page.tickets) == page.limit and reached <= OFFSET_MAX:
        return UNSET, reached
    return None

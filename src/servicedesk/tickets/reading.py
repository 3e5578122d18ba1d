"""Reading tickets: one ticket, pages (newest first by cursor, ranked searches by
offset) with their totals, the mirror states.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from servicedesk.custom_fields import service as custom_fields
from servicedesk.custom_fields.service import DEFINITIONS
from servicedesk.errors import (
    TicketNotFound,
    ValidationFailed,
)
from servicedesk.tenant_config import TenantConfig
from servicedesk.tickets.core import ServiceCore
from servicedesk.tickets.cursors import InvalidCursor, decode_cursor, encode_cursor
from servicedesk.tickets.documents import row_document, ticket_document
from servicedesk.tickets.repository import (
    Count,
    Position,
    TicketFilters,
    TicketRepository,
    kept_count_query,
    newest_page_query,
    row_query,
)
from servicedesk.tickets.schemas import (
    ready_ticket_document,
)

# Totals are exact up to here; above, PostgreSQL's planner estimate is returned (and the
# response says so), because counting a million rows costs more than serving the page.
EXACT_COUNT_LIMIT = 10_000
# A list page reading past this many rows is no lookup (servicedesk.db.database).
QUICK_OFFSET = 1_000


@dataclass(frozen=True, slots=True)
class TicketPage:
    tickets: Sequence[dict[str, Any]]
    total: Count
    next_cursor: str | None


def _page_of(documents: list[dict[str, Any]], total: Count, limit: int, order: str) -> TicketPage:
    """The page, with the cursor of the next page when this one is full and newest
    first."""
    last = documents[-1] if len(documents) == limit and order == "newest" else None
    next_cursor = None
    if last is not None:
        next_cursor = encode_cursor(datetime.fromisoformat(last["created_at"]), last["id"])
    return TicketPage(documents, total, next_cursor)


def _hashable(filters: TicketFilters) -> bool:
    try:
        hash(filters)
    except TypeError:
        return False
    return True


class Reading(ServiceCore):
    async def get(self, tenant_id: uuid.UUID, ticket_id: uuid.UUID) -> dict[str, Any]:
        found = await self.database.lookup_ready_rows(row_query(tenant_id, ticket_id))
        if not found:
            raise TicketNotFound()
        return ready_ticket_document(found[0])

    async def list_page(
        self,
        tenant_id: uuid.UUID,
        filters: TicketFilters,
        *,
        limit: int,
        offset: int,
        cursor: str | None,
        custom_field_filters: Sequence[tuple[str, str]] = (),
        order: str = "newest",
    ) -> TicketPage:
        """A page, newest first (or in another of the repository's ORDERS; a search:
        best match first), with the total and the cursor of the next page (newest first
        only). `custom_field_filters` are the raw `cf.<name>=value`s."""
        if cursor is not None and filters.search is not None:
            raise ValidationFailed.at(
                ("query", "cursor"), "A search is ranked: page it with offset, not cursor"
            )
        if cursor is not None and order != "newest":
            raise ValidationFailed.at(
                ("query", "cursor"), "Only the newest-first order pages with cursor"
            )
        after = _decoded_cursor(cursor) if cursor else None
        quick = (
            order == "newest"
            and filters.walks_an_index()
            and not custom_field_filters
            and offset <= QUICK_OFFSET
        )
        if quick:
            return await self._newest_page(tenant_id, filters, limit, offset, after)

        def read(session: Session) -> TicketPage:
            scoped = filters
            if custom_field_filters:
                config = self.configs.current(session, tenant_id)
                scoped = replace(
                    filters, custom_fields=_custom_field_filters(config, custom_field_filters)
                )
            return self._page(session, tenant_id, scoped, limit, offset, after, order)

        return await self.database.read(read)

    async def _newest_page(
        self,
        tenant_id: uuid.UUID,
        filters: TicketFilters,
        limit: int,
        offset: int,
        after: Position | None,
    ) -> TicketPage:
        """A page bounded by an index: its rows read past the session, JSON-ready (one
        statement), its total remembered or counted."""
        query = newest_page_query(tenant_id, filters, limit, offset, after)
        rows = await self.database.lookup_ready_rows(query)
        total = await self._total_past_session(tenant_id, filters)
        return _page_of([ready_ticket_document(row) for row in rows], total, limit, "newest")

    async def _total_past_session(self, tenant_id: uuid.UUID, filters: TicketFilters) -> Count:
        """The total as `_total` gives it, without a session where none is needed: a
        large total's estimate remembered, the count SQLite keeps."""
        remembered = self._remembered_total(tenant_id, filters)
        if remembered is not None:
            return remembered
        kept = kept_count_query(self.database.dialect, tenant_id, filters)
        if kept is not None:
            found = await self.database.lookup_ready_rows(kept)
            return Count(int(found[0]["tickets"] or 0) if found else 0, estimated=False)
        return await self.database.lookup(
            lambda session: self._total(TicketRepository(session, tenant_id), filters)
        )

    async def sync_states(
        self, tenant_id: uuid.UUID, *, limit: int = 20
    ) -> tuple[dict[str | None, int], list[dict[str, Any]]]:
        """Tickets per mirror state, and the newest whose mirror failed or is pending."""

        def read(session: Session) -> tuple[dict[str | None, int], list[dict[str, Any]]]:
            repository = TicketRepository(session, tenant_id)
            unsynced = [row_document(row) for row in repository.unsynced(limit=limit)]
            return repository.sync_state_counts(), unsynced

        return await self.database.read(read)

    async def count(self, tenant_id: uuid.UUID, filters: TicketFilters) -> Count:
        """How many tickets match (exact up to EXACT_COUNT_LIMIT, as a list's total)."""
        return await self.database.read(
            lambda session: self._total(TicketRepository(session, tenant_id), filters)
        )

    def _page(
        self,
        session: Session,
        tenant_id: uuid.UUID,
        filters: TicketFilters,
        limit: int,
        offset: int,
        after: Position | None,
        order: str = "newest",
    ) -> TicketPage:
        repository = TicketRepository(session, tenant_id)
        if filters.search is not None:
            # A ranked search has no stable position to resume from: it pages by offset.
            found, total = repository.search_page(filters, limit=limit, offset=offset)
            return TicketPage([ticket_document(ticket) for ticket in found], total, None)
        rows = repository.list_page(filters, limit=limit, offset=offset, after=after, order=order)
        documents = [row_document(row) for row in rows]
        return _page_of(documents, self._total(repository, filters), limit, order)

    def _total(self, repository: TicketRepository, filters: TicketFilters) -> Count:
        remembered = self._remembered_total(repository.tenant_id, filters)
        if remembered is not None:
            return remembered
        total = repository.count(filters, exact_up_to=EXACT_COUNT_LIMIT)
        if total.estimated and _hashable(filters):
            self._estimated_totals.put((repository.tenant_id, filters), total)
        return total

    def _remembered_total(self, tenant_id: uuid.UUID, filters: TicketFilters) -> Count | None:
        """The database's estimate of a large total, kept a while (ESTIMATED_TOTAL_SECONDS)."""
        if not _hashable(filters):
            return None  # a custom-field value that cannot be a key: counted every time
        return self._estimated_totals.get((tenant_id, filters))


def _custom_field_filters(
    config: TenantConfig, wanted: Sequence[tuple[str, str]]
) -> tuple[tuple[str, str, Any], ...]:
    definitions = config[DEFINITIONS]
    parsed = []
    for name, raw in wanted:
        location = ("query", f"cf.{name}")
        definition = definitions.get(name)
        if definition is None:
            raise ValidationFailed.at(location, "is not a custom field")
        try:
            value = custom_fields.filter_value(definition, raw)
        except ValueError as error:
            raise ValidationFailed.at(location, str(error)) from None
        parsed.append((name, definition.type, value))
    return tuple(parsed)


def _decoded_cursor(cursor: str) -> Position:
    try:
        return decode_cursor(cursor)
    except InvalidCursor:
        raise ValidationFailed.at(("query", "cursor"), "Invalid cursor") from None

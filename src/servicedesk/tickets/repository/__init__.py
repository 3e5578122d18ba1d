"""Every query on the tickets table (and its notes); each one is scoped to a tenant, but
for the installation-wide count /metrics reads (`unsettled_sync_counts`).

The repositories and the hot reads are here; which tickets match a list or a search,
and how many, is `matching.py`."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, TextClause, bindparam, func, inspect, select, text
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from servicedesk.db.base import table_of
from servicedesk.db.database import RowQuery
from servicedesk.db.repository import TenantRepository
from servicedesk.tickets.models import UNSETTLED_SYNC, Ticket, TicketAttachment, TicketNote
from servicedesk.tickets.repository.matching import (
    ORDERS,
    UNASSIGNED,
    Count,
    Position,
    TicketFilters,
    after_position,
    after_row,
    count_matching,
    kept_count_query,
    matching_conditions,
    search_page,
    search_words,
)
from servicedesk.tickets.schemas import TICKET_FIELDS

__all__ = [
    "ATTRIBUTES",
    "COLUMN_OF",
    "ORDERS",
    "TICKETS",
    "UNASSIGNED",
    "AttachmentRepository",
    "Count",
    "NoteRepository",
    "Position",
    "TicketFilters",
    "TicketRepository",
    "kept_count_query",
    "newest_page_query",
    "row_query",
    "search_words",
    "unsettled_sync_counts",
]

# The columns of the ticket object, as a prebuilt statement: the hot reads skip the ORM's
# identity map and object loading (a ticket by its id: ~0.2 ms through the ORM on SQLite,
# a few dozen microseconds this way).
_PUBLIC = [column for column in Ticket.__table__.columns if column.name != "tenant_id"]
# What a page shows of each ticket: the ticket object's columns.
_LISTED = [column for column in _PUBLIC if column.name in TICKET_FIELDS]
_BY_ID = select(*_PUBLIC).where(
    Ticket.tenant_id == bindparam("tenant_id"), Ticket.id == bindparam("ticket_id")
)
TICKETS = table_of(Ticket)

# (attribute, column name) of every column: `metadata_` is stored as `metadata`.
ATTRIBUTES = [(prop.key, prop.columns[0].name) for prop in inspect(Ticket).column_attrs]
COLUMN_OF = dict(ATTRIBUTES)


def row_query(tenant_id: uuid.UUID, ticket_id: uuid.UUID) -> RowQuery:
    """The read of a ticket's columns (`TicketRepository.row`), also for
    `Database.lookup_ready_rows`, which runs it past the session."""
    return RowQuery(_BY_ID, {"tenant_id": tenant_id, "ticket_id": ticket_id})


def newest_page_query(
    tenant_id: uuid.UUID,
    filters: TicketFilters,
    limit: int,
    offset: int,
    after: Position | None,
) -> RowQuery:
    """A page of the newest tickets' shown columns (as `list_page`) for filters that walk
    an index (`TicketFilters.walks_an_index`), for `Database.lookup_ready_rows`."""
    statement = _newest_page(
        filters.status is not None,
        filters.created_from is not None,
        filters.created_to is not None,
        after is not None,
    )
    values = {
        "tenant_id": tenant_id,
        "status": filters.status,
        "created_from": filters.created_from,
        "created_to": filters.created_to,
        "after_created": after.created_at if after else None,
        "after_id": after.id if after else None,
        "limit": limit,
        "offset": offset,
    }
    return RowQuery(statement, values)


class TicketRepository(TenantRepository[Ticket]):
    """The tenant's tickets."""

    model = Ticket

    def row(self, ticket_id: uuid.UUID) -> RowMapping | None:
        """The ticket's columns, by name (`metadata`, not the attribute `metadata_`)."""
        # On the connection: a Core statement, compiled once, without the ORM's layer.
        query = row_query(self.tenant_id, ticket_id)
        return (
            self.session.connection().execute(query.statement, query.parameters).mappings().first()
        )

    def mirrored_by(
        self, provider: str, external_id: str, *, for_update: bool = False
    ) -> Ticket | None:
        """The ticket whose mirror at `provider` has the provider's id `external_id`."""
        statement = self.scoped().where(
            Ticket.external_ticket_id == external_id, Ticket.external_provider == provider
        )
        if for_update:
            statement = statement.with_for_update()
        return self.first(statement)

    def list_page(
        self,
        filters: TicketFilters,
        *,
        limit: int,
        offset: int = 0,
        after: Position | None = None,
        order: str = "newest",
    ) -> Sequence[RowMapping]:
        """A page of the columns tickets show (`row`'s but the SLA clock's workings and
        the mirror's account) in `order` (ORDERS; newest first by
        default); a search goes through `search_page`."""
        if order == "newest" and filters.walks_an_index():
            newest = newest_page_query(self.tenant_id, filters, limit, offset, after)
            found = self.session.connection().execute(newest.statement, newest.parameters)
            return found.mappings().all()
        dialect = self.session.get_bind().dialect.name
        conditions = matching_conditions(self.tenant_id, filters, dialect)
        if after is not None:
            conditions.append(after_position(after))
        query = (
            select(*_LISTED).where(*conditions).order_by(*ORDERS[order]).limit(limit).offset(offset)
        )
        return self.session.connection().execute(query).mappings().all()

    def sync_state_counts(self) -> dict[str | None, int]:
        """How many tickets are in each mirror state (null: not mirrored)."""
        statement = (
            select(Ticket.external_sync_status, func.count())
            .where(Ticket.tenant_id == self.tenant_id)
            .group_by(Ticket.external_sync_status)
        )
        return {state: count for state, count in self.session.execute(statement)}

    def unsynced(self, *, limit: int) -> Sequence[RowMapping]:
        """The newest tickets whose mirror failed or is pending."""
        statement = (
            select(*_PUBLIC)
            .where(Ticket.tenant_id == self.tenant_id, text(UNSETTLED_SYNC))
            .order_by(Ticket.updated_at.desc())
            .limit(limit)
        )
        return self.session.connection().execute(statement).mappings().all()

    def last_assignee_in_group(self, group_id: uuid.UUID) -> uuid.UUID | None:
        """Who got the group's newest assigned ticket (round-robin's turn)."""
        statement = (
            select(Ticket.assignee_id)
            .where(
                Ticket.tenant_id == self.tenant_id,
                Ticket.group_id == group_id,
                Ticket.assignee_id.is_not(None),
            )
            .order_by(Ticket.created_at.desc())
            .limit(1)
        )
        found: uuid.UUID | None = self.session.scalar(statement)
        return found

    def created_for_requester_since(self, requester_email: str, since: datetime) -> int:
        """How many tickets of this requester were created since then, the address
        compared case-insensitively (the tenant's range of creation times)."""
        statement = (
            select(func.count())
            .select_from(Ticket)
            .where(
                Ticket.tenant_id == self.tenant_id,
                func.lower(Ticket.requester_email) == requester_email.lower(),
                Ticket.created_at >= since,
            )
        )
        return int(self.session.scalar(statement) or 0)

    def search_page(
        self, filters: TicketFilters, *, limit: int, offset: int
    ) -> tuple[Sequence[Ticket], Count]:
        return search_page(self.session, self.tenant_id, filters, limit=limit, offset=offset)

    def count(self, filters: TicketFilters, *, exact_up_to: int) -> Count:
        return count_matching(self.session, self.tenant_id, filters, exact_up_to=exact_up_to)

    def holding_custom_field(self, name: str, *, limit: int) -> Sequence[uuid.UUID]:
        """Up to `limit` of the tickets that hold a value for the custom field `name`."""
        statement = (
            select(Ticket.id)
            .where(Ticket.tenant_id == self.tenant_id, self._holds(name))
            .order_by(Ticket.id)
            .limit(limit)
        )
        return self.session.scalars(statement).all()

    def count_holding_custom_field(self, name: str) -> int:
        statement = (
            select(func.count())
            .select_from(Ticket)
            .where(Ticket.tenant_id == self.tenant_id, self._holds(name))
        )
        return int(self.session.scalar(statement) or 0)

    def _holds(self, name: str) -> TextClause:
        """The ticket holds a value for `name` (a machine name: [a-z0-9_] only)."""
        if self.session.get_bind().dialect.name == "postgresql":
            clause = text("jsonb_exists(tickets.custom_fields, :name)")
        else:
            clause = text("json_extract(tickets.custom_fields, '$.' || :name) IS NOT NULL")
        return clause.bindparams(bindparam("name", name, unique=True))


@functools.cache
def _newest_page(status: bool, created_from: bool, created_to: bool, after: bool) -> Select[Any]:
    """The statement of a page filtered by these (the commonest lists), built once:
    building and caching-keying a statement cost more than running it on SQLite."""
    conditions: list[ColumnElement[bool]] = [Ticket.tenant_id == bindparam("tenant_id")]
    if status:
        conditions.append(Ticket.status == bindparam("status"))
    if created_from:
        conditions.append(Ticket.created_at >= bindparam("created_from"))
    if created_to:
        conditions.append(Ticket.created_at <= bindparam("created_to"))
    if after:
        conditions.append(after_row(bindparam("after_created"), bindparam("after_id")))
    return (
        select(*_LISTED)
        .where(*conditions)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


class NoteRepository(TenantRepository[TicketNote]):
    """The tenant's ticket notes."""

    model = TicketNote

    def page_of_ticket(
        self, ticket_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[Sequence[TicketNote], int]:
        statement = (
            self.scoped()
            .where(TicketNote.ticket_id == ticket_id)
            .order_by(TicketNote.created_at, TicketNote.id)
        )
        return self.page(statement, limit=limit, offset=offset)


class AttachmentRepository(TenantRepository[TicketAttachment]):
    """The tenant's attachments."""

    model = TicketAttachment

    def of_ticket(self, ticket_id: uuid.UUID) -> Sequence[TicketAttachment]:
        statement = self.scoped().where(TicketAttachment.ticket_id == ticket_id)
        return self.all(statement.order_by(TicketAttachment.created_at, TicketAttachment.id))

    def of_notes(self, note_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[TicketAttachment]]:
        """The attachments of each of these notes, in the order they were added."""
        found: dict[uuid.UUID, list[TicketAttachment]] = {}
        if not note_ids:
            return found
        statement = self.scoped().where(TicketAttachment.note_id.in_(note_ids))
        rows = self.all(statement.order_by(TicketAttachment.created_at, TicketAttachment.id))
        for row in rows:
            assert row.note_id is not None
            found.setdefault(row.note_id, []).append(row)
        return found


def unsettled_sync_counts(session: Session) -> dict[str, int]:
    """Tickets whose mirror is pending or failed, per state, across every tenant: read
    from the partial `ix_tickets_sync_unsettled` index, so cheap at any size. (The
    condition is the index's own text: SQLite uses a partial index only for a query
    that repeats its condition literally.)"""
    statement = (
        select(Ticket.external_sync_status, func.count())
        .where(text(UNSETTLED_SYNC))
        .group_by(Ticket.external_sync_status)
    )
    return {str(state): int(count) for state, count in session.execute(statement)}

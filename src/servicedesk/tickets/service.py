"""The rules of tickets: creation, reading, listing and partial update."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.custom_fields import service as custom_fields
from servicedesk.db.base import utcnow
from servicedesk.errors import NoValidFields, TicketNotFound
from servicedesk.events import service as events
from servicedesk.events.types import EventType
from servicedesk.tickets import repository
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.repository import Count, Position, TicketFilters
from servicedesk.tickets.schemas import TicketCreate, TicketOut, TicketUpdate
from servicedesk.ttl_cache import TtlCache

# Totals are exact up to here; above, PostgreSQL's planner estimate is returned (and the
# response says so), because counting a million rows costs more than serving the page.
EXACT_COUNT_LIMIT = 10_000
# An estimated total is remembered this long per (tenant, filters) in each process: the
# next pages and refreshes skip the capped count and the EXPLAIN (two of a list's three
# statements). The planner's estimate itself only moves when ANALYZE runs, and a set of
# more than 10,000 tickets does not fall under the limit in seconds.
ESTIMATED_TOTAL_SECONDS = 5.0
_estimated_totals: TtlCache[tuple[uuid.UUID, TicketFilters], Count] = TtlCache(
    ESTIMATED_TOTAL_SECONDS
)


class InvalidCursor(ValueError):
    """A `cursor` that this API did not issue."""


@dataclass(frozen=True, slots=True)
class TicketPage:
    tickets: Sequence[Ticket]
    total: Count
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A change made to a new ticket by someone other than its creator (triage) before
    it is stored: the ticket is inserted once; `ticket.created` carries it as stored
    (as the 201 response does), and `event_type` by `actor` follows with the changes
    from the ticket as its creator sent it."""

    event_type: EventType
    actor: str
    fields: dict[str, Any]
    extra: dict[str, Any]


def ticket_document(ticket: Ticket) -> dict[str, Any]:
    """The ticket as the API returns it, as JSON-ready data (responses, events)."""
    return TicketOut.model_validate(ticket).model_dump(mode="json")


async def create_ticket(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    data: TicketCreate,
    *,
    actor: str,
    ticket_id: uuid.UUID | None = None,
    external: Mapping[str, Any] | None = None,
    custom_fields: dict[str, Any] | None = None,
    follow_up: FollowUp | None = None,
) -> Ticket:
    """Store a new ticket; `external` holds its provider fields (`external_*`), if any;
    `custom_fields` its values already checked against the definitions."""
    now = utcnow()
    ticket = Ticket(
        id=ticket_id or uuid.uuid4(),
        tenant_id=tenant_id,
        subject=data.subject,
        description=data.description,
        status=data.status,
        priority=data.priority,
        requester_email=data.requester_email,
        metadata_=data.metadata or {},
        custom_fields=custom_fields or {},
        created_at=now,
        updated_at=now,
        **(external or {}),
    )
    untouched = ticket_document(ticket)
    for field, value in (follow_up.fields if follow_up else {}).items():
        setattr(ticket, field, value)
    stored = ticket_document(ticket)
    await repository.insert(session, ticket)
    await events.publish(
        session,
        tenant_id=tenant_id,
        event_type=EventType.TICKET_CREATED,
        actor=actor,
        ticket_id=ticket.id,
        data=stored,
    )
    if follow_up is not None:
        await events.publish(
            session,
            tenant_id=tenant_id,
            event_type=follow_up.event_type,
            actor=follow_up.actor,
            ticket_id=ticket.id,
            data={**stored, **follow_up.extra},
            changes=changed_fields(untouched, stored),
        )
    return ticket


async def get_ticket(session: AsyncSession, tenant_id: uuid.UUID, ticket_id: uuid.UUID) -> Ticket:
    ticket = await repository.get(session, tenant_id, ticket_id)
    if ticket is None:
        raise TicketNotFound()
    return ticket


async def list_tickets(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    filters: TicketFilters,
    *,
    limit: int,
    offset: int,
    cursor: str | None,
) -> TicketPage:
    after = decode_cursor(cursor) if cursor else None
    if filters.search is not None:
        tickets, total = await repository.search_page(
            session, tenant_id, filters, limit=limit, offset=offset
        )
    else:
        tickets = await repository.list_page(
            session, tenant_id, filters, limit=limit, offset=offset, after=after
        )
        total = await _total(session, tenant_id, filters)
    # A ranked search has no stable position to resume from: it pages by offset.
    resumable = len(tickets) == limit and filters.search is None
    next_cursor = encode_cursor(tickets[-1]) if resumable else None
    return TicketPage(tickets=tickets, total=total, next_cursor=next_cursor)


async def _total(session: AsyncSession, tenant_id: uuid.UUID, filters: TicketFilters) -> Count:
    key: tuple[uuid.UUID, TicketFilters] | None = (tenant_id, filters)
    try:
        hash(key)
    except TypeError:  # a custom-field value that cannot be a key: counted every time
        key = None
    remembered = _estimated_totals.get(key) if key is not None else None
    if remembered is not None:
        return remembered
    total = await repository.count(session, tenant_id, filters, exact_up_to=EXACT_COUNT_LIMIT)
    if total.estimated and key is not None:
        _estimated_totals.put(key, total)
    return total


async def update_ticket(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    ticket_id: uuid.UUID,
    patch: TicketUpdate,
    *,
    actor: str,
    on_change: Callable[[Ticket, dict[str, Any]], bool] | None = None,
) -> Ticket:
    """Apply the PATCH; `on_change` sees the fields that really changed (if any, as
    `{field: {"old", "new"}}`) before the ticket's events are written, and returns True
    if it changed the ticket too."""
    changes = patch.changes()
    if not changes:
        raise NoValidFields()
    ticket = await repository.get(session, tenant_id, ticket_id, for_update=True)
    if ticket is None:
        raise TicketNotFound()
    before = ticket_document(ticket)
    for field, value in changes.items():
        if field == "metadata":
            ticket.metadata_ = merge_patch(ticket.metadata_, value) if value is not None else {}
        elif field == "custom_fields":
            ticket.custom_fields = await _merged_custom_fields(session, ticket, value)
        else:
            setattr(ticket, field, value)
    ticket.updated_at = later_than(ticket.updated_at)
    after = ticket_document(ticket)
    changed = changed_fields(before, after)
    if changed and on_change is not None and on_change(ticket, changed):
        after = ticket_document(ticket)
        changed = changed_fields(before, after)
    await session.flush()
    await _publish_update(session, ticket, before, after, changed, actor)
    return ticket


async def change_ticket(
    session: AsyncSession,
    ticket: Ticket,
    fields: Mapping[str, Any],
    *,
    actor: str,
    event_type: EventType = EventType.TICKET_UPDATED,
    extra: Mapping[str, Any] | None = None,
    on_change: Callable[[Ticket, dict[str, Any]], bool] | None = None,
) -> None:
    """A change to a stored ticket made by the system (triage, the provider sync), with
    its event: `data` is the ticket as it now is (plus `extra`), `changes` what moved.
    `on_change` as in `update_ticket`."""
    before = ticket_document(ticket)
    for field, value in fields.items():
        setattr(ticket, field, value)
    ticket.updated_at = later_than(ticket.updated_at)
    after = ticket_document(ticket)
    changed = changed_fields(before, after)
    if changed and on_change is not None and on_change(ticket, changed):
        after = ticket_document(ticket)
        changed = changed_fields(before, after)
    await session.flush()
    await events.publish(
        session,
        tenant_id=ticket.tenant_id,
        event_type=event_type,
        actor=actor,
        ticket_id=ticket.id,
        data={**after, **(extra or {})},
        changes=changed,
    )


async def _merged_custom_fields(
    session: AsyncSession, ticket: Ticket, patch: dict[str, Any] | None
) -> dict[str, Any]:
    current = ticket.custom_fields or {}
    removals_or_changes = patch if patch is not None else dict.fromkeys(current)
    definitions = await custom_fields.definitions_of(session, ticket.tenant_id)
    return custom_fields.resolve_or_422(definitions, removals_or_changes, current=current)


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """`{field: {"old", "new"}}` for each field of the ticket document that differs."""
    return {
        field: {"old": before[field], "new": value}
        for field, value in after.items()
        if field != "updated_at" and before[field] != value
    }


async def _publish_update(
    session: AsyncSession,
    ticket: Ticket,
    before: dict[str, Any],
    after: dict[str, Any],
    changed: dict[str, Any],
    actor: str,
) -> None:
    """ticket.updated with the fields that really changed (none: no event), then
    ticket.closed or ticket.reopened when the status crossed `closed`."""
    if not changed:
        return
    event_types = [EventType.TICKET_UPDATED]
    if "status" in changed and after["status"] == "closed":
        event_types.append(EventType.TICKET_CLOSED)
    elif "status" in changed and before["status"] == "closed":
        event_types.append(EventType.TICKET_REOPENED)
    for event_type in event_types:
        await events.publish(
            session,
            tenant_id=ticket.tenant_id,
            event_type=event_type,
            actor=actor,
            ticket_id=ticket.id,
            data=after,
            changes=changed,
        )


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply an RFC 7396 JSON Merge Patch: objects merge recursively, null removes a key."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def later_than(previous: datetime) -> datetime:
    # updated_at must move on every write, even two writes within one clock tick.
    now = utcnow()
    return now if now > previous else previous + timedelta(microseconds=1)


def encode_cursor(ticket: Ticket) -> str:
    raw = json.dumps([ticket.created_at.isoformat(), str(ticket.id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, ticket_id = json.loads(raw)
        position = Position(datetime.fromisoformat(created_at), uuid.UUID(ticket_id))
    except (binascii.Error, ValueError, TypeError) as error:
        raise InvalidCursor(cursor) from error
    if position.created_at.tzinfo is None:
        raise InvalidCursor(cursor)
    return position

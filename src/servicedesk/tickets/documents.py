"""A ticket as the API returns it and as its events carry it: the documents of a stored
ticket, of a row, of a note; the events of a change and what changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from servicedesk.db.base import utcnow
from servicedesk.tickets.attachments import (
    attachment_document,
)
from servicedesk.tickets.drafts import NewTicket
from servicedesk.tickets.events import (
    TicketEvent,
    TicketEventType,
    new_event_id,
)
from servicedesk.tickets.models import Ticket, TicketAttachment, TicketNote
from servicedesk.tickets.repository import (
    ATTRIBUTES,
)
from servicedesk.tickets.schemas import (
    NoteOut,
)
from servicedesk.tickets.schemas import ticket_document as document_of_columns

# A change of these publishes `ticket.assigned` (after `ticket.updated`).
ASSIGNMENT_FIELDS = frozenset(("group_id", "assignee_id"))


def ticket_columns(ticket: Ticket) -> dict[str, Any]:
    """A stored ticket's columns by attribute name (what a deriver is handed)."""
    return {attribute: getattr(ticket, attribute) for attribute, _ in ATTRIBUTES}


def ticket_document(ticket: Ticket) -> dict[str, Any]:
    """The ticket as the API returns it, as JSON-ready data (responses, events)."""
    return document_of_columns(
        {column: getattr(ticket, attribute) for attribute, column in ATTRIBUTES}
    )


def row_document(row: Mapping[Any, Any]) -> dict[str, Any]:
    """`ticket_document` of a row of the tickets table's columns."""
    return document_of_columns(row)


def note_document(
    note: TicketNote, attachments: Sequence[TicketAttachment | Mapping[str, Any]] = ()
) -> dict[str, Any]:
    document = NoteOut.model_validate(note).model_dump(mode="json")
    document["attachments"] = [attachment_document(row) for row in attachments]
    return document


def event_of(
    subject: Ticket | NewTicket,
    event_type: TicketEventType,
    actor: str,
    data: dict[str, Any],
    changes: dict[str, Any] | None = None,
    *,
    now: datetime | None = None,
) -> TicketEvent:
    """An event of the ticket `subject` (stored, or being created)."""
    return TicketEvent(
        id=new_event_id(),
        type=event_type,
        tenant_id=subject.tenant_id,
        ticket_id=subject.id,
        actor=actor,
        occurred_at=now or utcnow(),
        data=data,
        changes=changes,
    )


def and_assigned(types: list[TicketEventType], changed: dict[str, Any]) -> list[TicketEventType]:
    """A published change (a PATCH, triage's routing) that moved the group or the
    assignee is followed by `ticket.assigned`."""
    if types and TicketEventType.ASSIGNED not in types and ASSIGNMENT_FIELDS & changed.keys():
        return [*types, TicketEventType.ASSIGNED]
    return types


# Not fields of a change: they move with every write, or follow from the others.
_DERIVED_FIELDS = frozenset(("updated_at", "sla"))


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """`{field: {"old", "new"}}` for each field of the ticket document that differs (not
    `updated_at` nor the SLA, which follow from the others)."""
    return {
        name: {"old": before[name], "new": value}
        for name, value in after.items()
        if name not in _DERIVED_FIELDS and before[name] != value
    }


def later_than(previous: datetime) -> datetime:
    # updated_at must move on every write, even two writes within one clock tick.
    now = utcnow()
    return now if now > previous else previous + timedelta(microseconds=1)

"""A ticket's history, read from its events: the rows the webhooks deliver, written in
the transaction of each change, so history and ticket cannot disagree."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from servicedesk.auth.dependencies import require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.db.database import Database
from servicedesk.db.session import DatabaseDep
from servicedesk.errors import TicketNotFound
from servicedesk.events import repository as event_rows
from servicedesk.events.models import Event
from servicedesk.http import VALIDATION_422
from servicedesk.tickets.events import TicketEventType
from servicedesk.tickets.repository import TicketRepository
from servicedesk.tickets.schemas import NoteOut, SlaTarget

_NOT_FIELDS = {"id", "created_at", "updated_at"}


class Change(BaseModel):
    old: Any
    new: Any


class TriageDetails(BaseModel):
    """What a `ticket.triaged` event says of the triage behind it."""

    engine: str = Field(description="`local` or `llm`")
    model_version: str
    category: str | None = None
    category_confidence: float | None = Field(
        default=None, description="The category's own confidence"
    )
    confidence: float | None = Field(default=None, description="The routing confidence")
    suggested_priority: str | None = None
    source: dict[str, Any] | None = Field(
        default=None, description="The knowledge the suggested reply came from"
    )
    notes: list[str] | None = None


class HistoryEvent(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    id: str = Field(description="The event id, as webhooks deliver it (`evt_…`).")
    type: TicketEventType
    actor: str = Field(
        description="An API key id (`key_…`), a console user (`user:<id>`), "
        "`provider:freshservice`, `provider:zendesk`, `provider`, `triage`, "
        "`assignment:round_robin`, or `sla` (its warnings and breaches)."
    )
    occurred_at: datetime
    changes: dict[str, Change] | None = Field(
        description="Each field that changed, with its old and new value; for "
        "`ticket.created`, every field's first value (old: null)."
    )
    note: NoteOut | None = Field(
        default=None, description="The note of a `ticket.note_added` event."
    )
    triage: TriageDetails | None = Field(
        default=None,
        description="For `ticket.triaged`: the engine and model version, the category's "
        "own confidence, the suggested priority and the knowledge source of the reply.",
    )
    sla_target: SlaTarget | None = Field(
        default=None,
        description="For `ticket.sla_warning` and `ticket.sla_breached`: the target.",
    )


class History(BaseModel):
    events: list[HistoryEvent]


router = APIRouter(
    prefix="/api/v1/tickets",
    tags=["tickets"],
)
Reader = Annotated[Principal, Depends(require_scope(Scope.TICKETS_READ))]


@router.get(
    "/{ticket_id}/history",
    response_model=History,
    summary="A ticket's history",
    responses={404: TicketNotFound.openapi_response(), 422: VALIDATION_422},
)
async def ticket_history(ticket_id: uuid.UUID, database: DatabaseDep, principal: Reader) -> History:
    """Requires `tickets:read`. Oldest first: creation, every field change (old and new
    value), notes, triage results and provider sync outcomes, each with its actor."""
    return await history_of(database, principal.tenant_id, ticket_id)


async def history_of(database: Database, tenant_id: uuid.UUID, ticket_id: uuid.UUID) -> History:
    def read(session: Session) -> History:
        if TicketRepository(session, tenant_id).get(ticket_id) is None:
            raise TicketNotFound()
        stored = event_rows.events_of_ticket(session, tenant_id, ticket_id)
        entries = [_entry(event) for event in stored]
        _creation_before_triage(entries)
        return History(events=entries)

    return await database.read(read)


# What others change on a new ticket before it is stored: triage's result and routing, a
# group's round-robin assignment.
_FOLLOW_UPS = (TicketEventType.TRIAGED, TicketEventType.ASSIGNED)


def _creation_before_triage(entries: list[HistoryEvent]) -> None:
    """A ticket triaged (and assigned) on create is stored once, and `ticket.created`
    carries it as stored (as its webhook does); the history shows the creation as the
    creator sent it, so that the entries after it change from exactly those values."""
    if not entries or entries[0].type != TicketEventType.CREATED:
        return
    created = entries[0]
    first_values = created.changes
    if not first_values:
        return
    seen: set[str] = set()
    for following in entries[1:]:
        if following.actor == created.actor and following.type == TicketEventType.ASSIGNED:
            continue  # the creator's own assignment, published with the creation
        if following.type not in _FOLLOW_UPS:
            break
        for field, change in (following.changes or {}).items():
            if field in first_values and field not in seen:
                first_values[field] = Change(old=None, new=change.old)
                seen.add(field)


def _entry(event: Event) -> HistoryEvent:
    changes = event.changes
    note = None
    if event.type == TicketEventType.CREATED:
        changes = {
            field: {"old": None, "new": value}
            for field, value in event.data.items()
            if field not in _NOT_FIELDS
        }
    elif event.type == TicketEventType.NOTE_ADDED:
        note = event.data.get("note")
    triage = event.data.get("triage") if event.type == TicketEventType.TRIAGED else None
    return HistoryEvent.model_validate(
        {
            "id": event.id,
            "type": event.type,
            "actor": event.actor,
            "occurred_at": event.occurred_at,
            "changes": changes,
            "note": note,
            "triage": triage,
            "sla_target": event.data.get("sla_target") if event.type in _SLA_EVENTS else None,
        }
    )


_SLA_EVENTS = (TicketEventType.SLA_WARNING, TicketEventType.SLA_BREACHED)

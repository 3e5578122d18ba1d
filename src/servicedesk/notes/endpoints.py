"""HTTP routes of a ticket's notes: /api/v1/tickets/{id}/notes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from servicedesk.auth.dependencies import require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.db.session import ReadSession, WriteSession
from servicedesk.errors import Forbidden, TicketNotFound, Unauthorized
from servicedesk.http import JSON_BODY_ERRORS, require_json_body
from servicedesk.notes import service
from servicedesk.notes.schemas import NoteCreate, NoteList, NoteOut

router = APIRouter(
    prefix="/api/v1/tickets/{ticket_id}/notes",
    tags=["notes"],
    responses={
        401: Unauthorized.openapi_response(),
        403: Forbidden.openapi_response(),
        404: TicketNotFound.openapi_response(),
        422: {"description": "Validation error (FastAPI/Pydantic body)"},
    },
)

Reader = Annotated[Principal, Depends(require_scope(Scope.TICKETS_READ))]
Writer = Annotated[Principal, Depends(require_scope(Scope.TICKETS_WRITE))]


@router.post(
    "",
    status_code=201,
    response_model=NoteOut,
    dependencies=[Depends(require_json_body)],
    responses=JSON_BODY_ERRORS,
)
async def add_note(
    ticket_id: uuid.UUID, data: NoteCreate, session: WriteSession, principal: Writer
) -> NoteOut:
    """Requires `tickets:write`. Emits `ticket.note_added`, moves the ticket's
    `updated_at`, and posts the note to the ITSM provider of a mirrored ticket (a private
    note there, or a public reply / comment)."""
    note = await service.add_note(
        session, principal.tenant_id, ticket_id, data, actor=principal.key_id
    )
    return NoteOut.model_validate(note)


@router.get("", response_model=NoteList)
async def list_notes(
    ticket_id: uuid.UUID,
    session: ReadSession,
    principal: Reader,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> NoteList:
    """Requires `tickets:read`. Oldest first."""
    notes, total = await service.list_notes(
        session, principal.tenant_id, ticket_id, limit=limit, offset=offset
    )
    return NoteList(
        notes=[NoteOut.model_validate(note) for note in notes],
        total=total,
        limit=limit,
        offset=offset,
    )

"""Adding and listing a ticket's notes.

A note is written in one transaction with its `ticket.note_added` event (which carries
the ticket and, under `note`, the note), the ticket's new `updated_at`, and, for a
mirrored ticket, the job that posts it to the provider.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.db.base import utcnow
from servicedesk.errors import TicketNotFound
from servicedesk.events import service as events
from servicedesk.events.types import EventType
from servicedesk.notes.models import TicketNote
from servicedesk.notes.schemas import NoteCreate, NoteOut
from servicedesk.providers import service as providers
from servicedesk.tickets import repository as tickets_repository
from servicedesk.tickets import service as tickets


async def add_note(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    ticket_id: uuid.UUID,
    data: NoteCreate,
    *,
    actor: str,
) -> TicketNote:
    ticket = await tickets_repository.get(session, tenant_id, ticket_id, for_update=True)
    if ticket is None:
        raise TicketNotFound()
    note = TicketNote(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        ticket_id=ticket_id,
        body=data.body,
        private=data.private,
        author=actor,
        created_at=utcnow(),
    )
    session.add(note)
    ticket.updated_at = tickets.later_than(ticket.updated_at)
    await session.flush()
    await events.publish(
        session,
        tenant_id=tenant_id,
        event_type=EventType.TICKET_NOTE_ADDED,
        actor=actor,
        ticket_id=ticket_id,
        data={**tickets.ticket_document(ticket), "note": note_document(note)},
    )
    providers.after_note(session, ticket, note.id)
    return note


def note_document(note: TicketNote) -> dict[str, object]:
    return NoteOut.model_validate(note).model_dump(mode="json")


async def list_notes(
    session: AsyncSession, tenant_id: uuid.UUID, ticket_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[Sequence[TicketNote], int]:
    """A page of the ticket's notes, oldest first, and how many it has."""
    if await tickets_repository.get(session, tenant_id, ticket_id) is None:
        raise TicketNotFound()
    of_ticket = (TicketNote.tenant_id == tenant_id, TicketNote.ticket_id == ticket_id)
    page = await session.scalars(
        select(TicketNote)
        .where(*of_ticket)
        .order_by(TicketNote.created_at, TicketNote.id)
        .limit(limit)
        .offset(offset)
    )
    total = await session.scalar(select(func.count()).select_from(TicketNote).where(*of_ticket))
    return page.all(), int(total or 0)

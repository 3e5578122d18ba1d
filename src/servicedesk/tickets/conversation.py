"""A ticket's conversation: notes, the public reply with its changes, attachments."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from servicedesk.db.base import utcnow
from servicedesk.db.rows import PendingRows
from servicedesk.errors import (
    AttachmentNotFound,
    AttachmentTooLarge,
    TicketNotFound,
)
from servicedesk.storage.blobs import BlobTooLarge
from servicedesk.tickets import versions
from servicedesk.tickets.attachments import (
    StoredFile,
    Upload,
    attach,
    attachment_document,
    safe_content_type,
    safe_filename,
)
from servicedesk.tickets.changing import Changing, patched_fields
from servicedesk.tickets.core import Recorder
from servicedesk.tickets.derived import Moment
from servicedesk.tickets.documents import event_of, later_than, note_document, ticket_document
from servicedesk.tickets.events import (
    Publication,
    TicketEventType,
    publish,
)
from servicedesk.tickets.models import TicketNote
from servicedesk.tickets.repository import (
    AttachmentRepository,
    NoteRepository,
    TicketRepository,
)
from servicedesk.tickets.schemas import (
    NoteCreate,
    TicketUpdate,
)
from servicedesk.tickets.versions import Expected


class Conversation(Changing):
    async def add_note(
        self,
        tenant_id: uuid.UUID,
        ticket_id: uuid.UUID,
        data: NoteCreate,
        *,
        actor: str,
        by_requester: bool = False,
        files: Sequence[Upload] = (),
        record: Recorder | None = None,
        expected: Expected | None = None,
    ) -> dict[str, Any]:
        """A private note or a public reply, with its `files`; moves the ticket's
        `updated_at` and publishes `ticket.note_added` (the ticket, with the note under
        `note`). A public note `by_requester` (their mail) is no response to them: the
        SLA's first response still runs. `record` adds the caller's rows to the note's
        transaction. `expected`: the versions the caller's If-Match names."""
        config = await self.config_of(tenant_id)
        if files:
            await self.database.read(
                lambda session: TicketRepository(session, tenant_id).require(
                    ticket_id, missing=TicketNotFound
                )
            )
        stored = await self.store_files(tenant_id, files)

        def write(session: Session) -> dict[str, Any]:
            ticket = TicketRepository(session, tenant_id).require(
                ticket_id, missing=TicketNotFound, for_update=True
            )
            versions.check(expected, ticket)
            note = TicketNote(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                ticket_id=ticket_id,
                body=data.body,
                private=data.private,
                author=actor,
                created_at=utcnow(),
            )
            NoteRepository(session, tenant_id).add(note)
            ticket.updated_at = later_than(ticket.updated_at)
            rows = PendingRows()
            replied = not data.private and not by_requester
            self.derive(session, config, ticket, Moment(note.created_at, replied), rows)
            session.flush()
            attached = attach(rows, tenant_id, ticket_id, note.id, stored)
            document = note_document(note, attached)
            event_data = {**ticket_document(ticket), "note": document}
            event = event_of(ticket, TicketEventType.NOTE_ADDED, actor, event_data)
            publish(self.subscribers, Publication(session, config, rows), [event])
            # The note's rows (its event first) before what the caller records: a change
            # the caller makes (a status with a reply) is published after the note.
            rows.write(session)
            if record is not None:
                record(session, rows, document)
                rows.write(session)
            return document

        return await self.database.write(write, tenant_id=tenant_id)

    async def reply(
        self,
        tenant_id: uuid.UUID,
        ticket_id: uuid.UUID,
        body: str,
        *,
        status: str | None,
        actor: str,
        expected: Expected | None = None,
    ) -> dict[str, Any]:
        """A public reply and the changes that go with it, in one transaction: the
        `status` asked for, when the ticket has another; and the reply kept as the
        ticket's answer (`ai_suggested_response`) when it is not the suggestion as it
        stood (triage learns from it). If a change fails, no reply is stored, and so none
        is mailed. The console's send uses it; macros will."""
        note = NoteCreate(body=body, private=False)
        if status:
            TicketUpdate.model_validate({"status": status})  # a bad one is 422 up front
        config = await self.config_of(tenant_id)

        def with_changes(session: Session, rows: PendingRows, document: dict[str, Any]) -> None:
            ticket = TicketRepository(session, tenant_id).require(
                ticket_id, missing=TicketNotFound, for_update=True
            )
            wanted: dict[str, Any] = {}
            if status and status != ticket.status:
                wanted["status"] = status
            if body.strip() != (ticket.ai_suggested_response or "").strip():
                wanted["ai_suggested_response"] = body
            if wanted:
                changes = TicketUpdate.model_validate(wanted).changes()
                fields = patched_fields(config, ticket, changes)
                self.change(session, config, ticket, fields, actor=actor)

        return await self.add_note(
            tenant_id, ticket_id, note, actor=actor, record=with_changes, expected=expected
        )

    async def list_notes(
        self, tenant_id: uuid.UUID, ticket_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of the ticket's notes, oldest first, and how many it has."""

        def read(session: Session) -> tuple[list[dict[str, Any]], int]:
            TicketRepository(session, tenant_id).require(ticket_id, missing=TicketNotFound)
            notes, total = NoteRepository(session, tenant_id).page_of_ticket(
                ticket_id, limit=limit, offset=offset
            )
            files = AttachmentRepository(session, tenant_id).of_notes([n.id for n in notes])
            return [note_document(note, files.get(note.id, ())) for note in notes], total

        return await self.database.read(read)

    # -- attachments -------------------------------------------------------------------

    async def store_files(self, tenant_id: uuid.UUID, files: Sequence[Upload]) -> list[StoredFile]:
        """Each file's bytes into the blob store (before the transaction that refers to
        them); AttachmentTooLarge for a file past SERVICEDESK_MAX_ATTACHMENT_BYTES."""
        stored = []
        for upload in files:
            try:
                blob = await self.blobs.put(
                    tenant_id, upload.file, limit=self.settings.max_attachment_bytes
                )
            except BlobTooLarge as error:
                raise AttachmentTooLarge(error.limit) from None
            stored.append(
                StoredFile(
                    safe_filename(upload.filename),
                    safe_content_type(upload.content_type),
                    upload.content_id,
                    blob,
                )
            )
        return stored

    async def list_attachments(
        self, tenant_id: uuid.UUID, ticket_id: uuid.UUID
    ) -> list[dict[str, Any]]:
        """Every file of the ticket and its notes, oldest first."""

        def read(session: Session) -> list[dict[str, Any]]:
            TicketRepository(session, tenant_id).require(ticket_id, missing=TicketNotFound)
            rows = AttachmentRepository(session, tenant_id).of_ticket(ticket_id)
            return [attachment_document(row) for row in rows]

        return await self.database.read(read)

    async def attachment_file(
        self, tenant_id: uuid.UUID, attachment_id: uuid.UUID
    ) -> tuple[dict[str, Any], Path]:
        """An attachment of the tenant and where its bytes are; AttachmentNotFound."""
        row = await self.database.read(
            lambda session: AttachmentRepository(session, tenant_id).get(attachment_id)
        )
        if row is None:
            raise AttachmentNotFound()
        return attachment_document(row), self.blobs.path(tenant_id, row.sha256)

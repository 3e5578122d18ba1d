"""The rules of tickets, and the one path every change to a ticket takes.

Each change is one call of `TicketService`, a named sequence of steps:

    create         validate → claim the Idempotency-Key → triage → assign → provider → write
                   → publish
    update         validate → write → publish          (PATCH, a provider's report)
    add_note       write → publish
    change         write → publish                     (the system: a triage result, a sync)
    remove values  write → publish                     (a custom field's, in the background)

*write* stores the ticket; *publish* hands the change's events to the subscribers in
the same transaction, so that what they write (history, webhook deliveries, provider
jobs, triage feedback) commits or rolls back with the change. The create's middle steps
(triage, the provider) and the subscribers belong to other packages and are given to the
service when the app is assembled (`servicedesk.composition`): this package imports none
of them.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session

from servicedesk.config import Settings
from servicedesk.custom_fields import service as custom_fields
from servicedesk.custom_fields.service import DEFINITIONS
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.db.rows import PendingRows, Precondition, PreconditionFailed
from servicedesk.errors import (
    ApiError,
    AttachmentNotFound,
    AttachmentTooLarge,
    Conflict,
    NoValidFields,
    TicketNotFound,
    ValidationFailed,
)
from servicedesk.idempotency import service as idempotency
from servicedesk.idempotency.service import IdempotencyRequest, StoredResponse
from servicedesk.jobs import service as jobs
from servicedesk.jobs.service import JobSpec
from servicedesk.storage.blobs import BlobStore, BlobTooLarge, LocalBlobStore
from servicedesk.tenant_config import TenantConfig, TenantConfigs, unchanged
from servicedesk.tickets.attachments import (
    StoredFile,
    Upload,
    attach,
    attachment_document,
    safe_content_type,
    safe_filename,
)
from servicedesk.tickets.cursors import InvalidCursor, decode_cursor, encode_cursor
from servicedesk.tickets.derived import Deriver, Moment
from servicedesk.tickets.events import (
    Publication,
    Subscriber,
    TicketEvent,
    TicketEventType,
    new_event_id,
    publish,
)
from servicedesk.tickets.models import Ticket, TicketAttachment, TicketNote
from servicedesk.tickets.repository import (
    ATTRIBUTES,
    COLUMN_OF,
    TICKETS,
    AttachmentRepository,
    Count,
    NoteRepository,
    Position,
    TicketFilters,
    TicketRepository,
    kept_count_query,
    newest_page_query,
    row_query,
)
from servicedesk.tickets.schemas import (
    NoteCreate,
    NoteOut,
    TicketCreate,
    TicketUpdate,
    ready_ticket_document,
)
from servicedesk.tickets.schemas import ticket_document as document_of_columns
from servicedesk.ttl_cache import TtlCache
from servicedesk.users.service import DIRECTORY, check_assignment

# Totals are exact up to here; above, PostgreSQL's planner estimate is returned (and the
# response says so), because counting a million rows costs more than serving the page.
EXACT_COUNT_LIMIT = 10_000
# An estimated total is remembered this long per (tenant, filters) in each process: the
# next pages and refreshes skip the capped count and the EXPLAIN (two of a list's three
# statements). The planner's estimate itself only moves when ANALYZE runs, and a set of
# more than 10,000 tickets does not fall under the limit in seconds.
ESTIMATED_TOTAL_SECONDS = 5.0
# A list page reading past this many rows is no lookup (servicedesk.db.database).
QUICK_OFFSET = 1_000
# How long a request waits for another that holds its Idempotency-Key before it answers
# 409 "in progress" with Retry-After: under the 10 s many HTTP clients give up after. A
# holder that died (a crashed process) keeps the key until its lease runs out (the
# provider's create timeout + the write queue's + 5 s).
CLAIM_WAIT_SECONDS = 8.0
# A custom field's values are removed from this many tickets per transaction.
REMOVAL_BATCH = 200
REMOVE_VALUES_JOB_KIND = "tickets.remove_custom_field_values"
MIRROR_FAILED = "failed"
MIRROR_PENDING = "pending"
# A change of these publishes `ticket.assigned` (after `ticket.updated`).
ASSIGNMENT_FIELDS = frozenset(("group_id", "assignee_id"))


# Writes a caller's own rows in a change's transaction: (session, rows, the document the
# change made: the ticket of a create, the note of a note).
Recorder = Callable[[Session, PendingRows, dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class TicketPage:
    tickets: Sequence[dict[str, Any]]
    total: Count
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A change made to a new ticket by someone other than its creator (triage) before
    it is stored: the ticket is inserted once; `ticket.created` carries it as stored (as
    the 201 response does), and `event_type` by `actor` follows with the changes from the
    ticket as its creator sent it."""

    event_type: TicketEventType
    actor: str
    fields: dict[str, Any]
    extra: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NewTicket:
    """A ticket on its way through the create's steps.

    `fields` are the columns as the creator sent them (checked); `stored` what a step set
    on the ticket itself (the provider's link); `follow_ups` the changes others made
    (triage); `jobs` the work a step leaves for the worker, queued with the ticket."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    fields: dict[str, Any]
    route: bool
    resumed: bool = False
    stored: dict[str, Any] = field(default_factory=dict)
    follow_ups: tuple[FollowUp, ...] = ()
    jobs: tuple[JobSpec, ...] = ()

    def state(self) -> dict[str, Any]:
        """The ticket's columns as they will be stored."""
        merged = {**self.fields, **self.stored}
        for follow_up in self.follow_ups:
            merged.update(follow_up.fields)
        return merged

    def with_stored(self, **fields: Any) -> NewTicket:
        return replace(self, stored={**self.stored, **fields})

    def followed_by(self, follow_up: FollowUp) -> NewTicket:
        return replace(self, follow_ups=(*self.follow_ups, follow_up))

    def with_job(self, spec: JobSpec) -> NewTicket:
        return replace(self, jobs=(*self.jobs, spec))


# The columns a new ticket has when no step set them.
NEW_TICKET: dict[str, Any] = dict.fromkeys(
    (
        "priority",
        "requester_email",
        "external_provider",
        "external_ticket_id",
        "external_ticket_url",
        "external_sync_status",
        "external_sync_error",
        "external_account",
        "category",
        "ai_suggested_response",
        "confidence_score",
        "group_id",
        "assignee_id",
        "sla",
        "sla_clock",
        "sla_policy_id",
        "sla_due_at",
    )
) | {"sla_breached": False}


def _as_columns(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Attribute names (as steps and changes name them) to column names."""
    return {COLUMN_OF.get(name, name): value for name, value in fields.items()}


class CreateStep(Protocol):
    """A step of the create between validation and the write: triage, the provider."""

    async def __call__(self, config: TenantConfig, draft: NewTicket) -> NewTicket: ...

    def reaches_out(self, config: TenantConfig) -> bool:
        """Whether the step may make something outside this installation for this
        tenant (a ticket at its provider): then an Idempotency-Key is claimed before
        the steps run, so that it is made at most once."""
        ...


# Stores an Idempotency-Key's answer in the transaction of the ticket it answers with.
Answer = Callable[[Session, StoredResponse], None]


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


class TicketService:
    def __init__(
        self,
        database: Database,
        configs: TenantConfigs,
        settings: Settings,
        *,
        create_steps: Sequence[CreateStep],
        subscribers: Sequence[Subscriber],
        derivers: Sequence[Deriver] = (),
        blobs: BlobStore | None = None,
    ) -> None:
        self.database = database
        self.blobs = blobs or LocalBlobStore(settings.attachments_dir)
        self.configs = configs
        self.settings = settings
        self.create_steps = tuple(create_steps)
        self.subscribers = tuple(subscribers)
        self.derivers = tuple(derivers)
        self._estimated_totals: TtlCache[tuple[uuid.UUID, TicketFilters], Count] = TtlCache(
            ESTIMATED_TOTAL_SECONDS
        )

    async def config_of(self, tenant_id: uuid.UUID) -> TenantConfig:
        """The tenant's configuration as of now (one indexed read when it is unchanged)."""
        return await self.database.lookup(partial(self.configs.current, tenant_id=tenant_id))

    # -- create ------------------------------------------------------------------------

    async def create(
        self,
        tenant_id: uuid.UUID,
        data: TicketCreate,
        *,
        actor: str,
        idempotency_key: IdempotencyRequest | None = None,
        record: Recorder | None = None,
    ) -> StoredResponse:
        """Create a ticket: validate → claim the key → triage → assign → provider → write →
        publish.

        With an Idempotency-Key, a request that repeats one already answered gets that
        answer (`replayed`), and only the request that holds the key calls the provider.
        `record` adds rows of the caller's to the create's transaction (the e-mail a
        ticket came from)."""
        config = self._assumed_config(tenant_id)
        if config is not None:
            # Trusted without a read: the write checks its version in its own statement.
            try:
                return await self._create_under(
                    config, data, actor, idempotency_key, record, unchanged(config)
                )
            except PreconditionFailed:
                pass  # changed meanwhile: nothing was written
            except ApiError:
                fresh = await self.config_of(tenant_id)
                if fresh.version == config.version:
                    raise  # the configuration the request was checked against is current
                return await self._create_under(fresh, data, actor, idempotency_key, record, None)
        config = await self.config_of(tenant_id)
        return await self._create_under(config, data, actor, idempotency_key, record, None)

    def _assumed_config(self, tenant_id: uuid.UUID) -> TenantConfig | None:
        """The configuration this process knows for the tenant, where a create may trust
        it until its write: on a database where reading the version is a round trip of
        its own, and when no step reaches out (a provider must never be called with a
        configuration that is no longer the tenant's)."""
        if not self.database.remote:
            return None
        config = self.configs.assumed(tenant_id)
        if config is None or self._reaches_out(config):
            return None
        return config

    def _reaches_out(self, config: TenantConfig) -> bool:
        return any(step.reaches_out(config) for step in self.create_steps)

    async def _create_under(
        self,
        config: TenantConfig,
        data: TicketCreate,
        actor: str,
        idempotency_key: IdempotencyRequest | None,
        record: Recorder | None,
        guard: Precondition | None,
    ) -> StoredResponse:
        tenant_id = config.tenant_id
        draft = new_ticket(config, data)
        if idempotency_key is None:
            return await self._create(config, draft, actor, None, record, guard)
        if not self._reaches_out(config):
            # Nothing leaves the installation before the write: the write claims the key.
            answer = partial(
                idempotency.record_answer,
                tenant_id=tenant_id,
                request=idempotency_key,
                resource_id=str(draft.id),
                ttl=timedelta(seconds=self.settings.idempotency_ttl_seconds),
            )
            with contextlib.suppress(idempotency.KeyInUse):
                return await self._create(config, draft, actor, answer, record, guard)
        held = await idempotency.claim(
            self.database,
            tenant_id,
            idempotency_key,
            resource_id=str(draft.id),
            ttl=timedelta(seconds=self.settings.idempotency_ttl_seconds),
            lease=timedelta(seconds=self._claim_lease_seconds()),
            wait=min(CLAIM_WAIT_SECONDS, self._claim_lease_seconds()),
        )
        if isinstance(held, StoredResponse):
            return held
        draft = replace(draft, id=uuid.UUID(held.resource_id), resumed=held.resumed)
        try:
            return await self._create(
                config, draft, actor, partial(idempotency.complete, held=held), record, guard
            )
        except idempotency.ClaimLost:
            # Too slow: another request took the key over; its answer is the answer.
            return await self.create(
                tenant_id, data, actor=actor, idempotency_key=idempotency_key, record=record
            )
        except BaseException:
            with contextlib.suppress(Exception):
                await idempotency.release(self.database, held)
            raise

    def _claim_lease_seconds(self) -> float:
        """Long enough for the holder's provider call and its turn to write."""
        return (
            self.settings.provider_create_timeout_seconds
            + self.settings.write_queue_timeout_seconds
            + 5.0
        )

    async def _create(
        self,
        config: TenantConfig,
        draft: NewTicket,
        actor: str,
        answer: Answer | None,
        record: Recorder | None,
        guard: Precondition | None,
    ) -> StoredResponse:
        for step in self.create_steps:
            draft = await step(config, draft)
        store = partial(self._store_new, config, draft, actor, answer, record, guard)
        # Without an Idempotency-Key's answer to store, the create is one statement
        # (PendingRows).
        return await self.database.write(
            store, tenant_id=draft.tenant_id, one_statement=answer is None
        )

    def _store_new(
        self,
        config: TenantConfig,
        draft: NewTicket,
        actor: str,
        answer: Answer | None,
        record: Recorder | None,
        guard: Precondition | None,
        session: Session,
    ) -> StoredResponse:
        now = utcnow()
        columns = {
            **NEW_TICKET,
            **_as_columns(draft.fields),
            **_as_columns(draft.stored),
            "id": draft.id,
            "tenant_id": draft.tenant_id,
            "created_at": now,
            "updated_at": now,
        }
        rows = PendingRows()
        # The ticket as it will be stored, the follow-ups (triage) applied.
        final = {**columns, **_as_columns(draft.state())}
        for derive in self.derivers:
            derived = derive(config, final, Moment(now))
            columns.update(derived.fields)
            final.update(derived.fields)
            jobs.enqueue_with(rows, draft.tenant_id, *derived.jobs)
        documents = [document_of_columns(columns)]
        for follow_up in draft.follow_ups:
            columns.update(_as_columns(follow_up.fields))
            documents.append(document_of_columns(columns))
        stored = documents[-1]
        rows.insert(TICKETS, [columns])
        events = [_event(draft, TicketEventType.CREATED, actor, stored, now=now)]
        assigned = {
            name: {"old": None, "new": documents[0][name]}
            for name in sorted(ASSIGNMENT_FIELDS)
            if documents[0][name] is not None
        }
        if assigned:
            events.append(_event(draft, TicketEventType.ASSIGNED, actor, stored, assigned))
        for follow_up, before, after in zip(
            draft.follow_ups, documents[:-1], documents[1:], strict=True
        ):
            data = {**after, **follow_up.extra}
            changes = changed_fields(before, after)
            types = _and_assigned([follow_up.event_type], changes)
            events.extend(_event(draft, kind, follow_up.actor, data, changes) for kind in types)
        publish(self.subscribers, Publication(session, config, rows), events)
        jobs.enqueue_with(rows, draft.tenant_id, *draft.jobs)
        if record is not None:
            record(session, rows, stored)
        rows.write(session, guard)
        response = StoredResponse(201, stored)
        if answer is not None:
            answer(session, response)
        return response

    # -- read --------------------------------------------------------------------------

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

    # -- update ------------------------------------------------------------------------

    async def update(
        self, tenant_id: uuid.UUID, ticket_id: uuid.UUID, patch: TicketUpdate, *, actor: str
    ) -> dict[str, Any]:
        """Apply a PATCH: omitted fields stay, `metadata` and `custom_fields` merge key by
        key; the change is published (none if nothing really changed)."""
        changes = patch.changes()
        if not changes:
            raise NoValidFields()
        config = await self.config_of(tenant_id)

        def write(session: Session) -> dict[str, Any]:
            ticket = _require(session, tenant_id, ticket_id, for_update=True)
            return self.change(
                session, config, ticket, patched_fields(config, ticket, changes), actor=actor
            )

        return await self.database.write(write, tenant_id=tenant_id)

    async def update_mirrored(
        self,
        tenant_id: uuid.UUID,
        provider: str,
        external_id: str,
        fields_for: Callable[[Ticket], dict[str, Any]],
        *,
        actor: str,
    ) -> tuple[uuid.UUID, set[str]]:
        """A change the ITSM provider reports on its mirror of one of our tickets: the
        ticket is found by the provider's id, `fields_for` says what changes. Returns our
        ticket's id and the fields that changed."""
        config = await self.config_of(tenant_id)

        def write(session: Session) -> tuple[uuid.UUID, set[str]]:
            repository = TicketRepository(session, tenant_id)
            ticket = repository.mirrored_by(provider, external_id, for_update=True)
            if ticket is None:
                raise TicketNotFound()
            fields = fields_for(ticket)
            if fields:
                self.change(session, config, ticket, fields, actor=actor, by_mirror=True)
            return ticket.id, set(fields)

        return await self.database.write(write, tenant_id=tenant_id)

    def change(
        self,
        session: Session,
        config: TenantConfig,
        ticket: Ticket,
        fields: Mapping[str, Any],
        *,
        actor: str,
        event_type: TicketEventType = TicketEventType.UPDATED,
        extra: Mapping[str, Any] | None = None,
        by_mirror: bool = False,
    ) -> dict[str, Any]:
        """Write `fields` on a stored ticket (inside the caller's unit) and publish the
        change; returns the ticket as it now is.

        `ticket.updated` is published only when a field really changed, followed by
        `ticket.closed` or `ticket.reopened` when the status crossed `closed`; any other
        `event_type` (a triage result, a sync failure) is always published. A ticket whose
        mirror failed goes back to `pending` on any change not made by the mirror itself
        (`by_mirror`): the change may be the fix, and the provider is tried again."""
        before = ticket_document(ticket)
        for name, value in fields.items():
            setattr(ticket, name, value)
        ticket.updated_at = later_than(ticket.updated_at)
        rows = PendingRows()
        self.derive(session, config, ticket, Moment(ticket.updated_at), rows)
        after = ticket_document(ticket)
        changed = changed_fields(before, after)
        if changed and not by_mirror and ticket.external_sync_status == MIRROR_FAILED:
            ticket.external_sync_status, ticket.external_sync_error = MIRROR_PENDING, None
            after = ticket_document(ticket)
            changed = changed_fields(before, after)
        session.flush()
        if event_type is TicketEventType.UPDATED:
            types = _and_assigned(_update_event_types(before, after, changed), changed)
        else:
            types = _and_assigned([event_type], changed)
        data = {**after, **(extra or {})}
        events = [_event(ticket, kind, actor, data, changed) for kind in types]
        publish(self.subscribers, Publication(session, config, rows), events)
        rows.write(session)
        return after

    def derive(
        self,
        session: Session,
        config: TenantConfig,
        ticket: Ticket,
        moment: Moment,
        rows: PendingRows | None = None,
    ) -> None:
        """Run the derivers on the ticket as it now is: set what they derive, queue their
        jobs (on `rows`, or at once), replacing the pending ones they supersede. Called by
        every change; on its own by a timer that finds the ticket's rules moved (no event,
        `updated_at` unchanged)."""
        if not self.derivers:
            return
        columns = ticket_columns(ticket)
        for derive in self.derivers:
            derived = derive(config, columns, moment)
            for name, value in derived.fields.items():
                setattr(ticket, name, value)
            columns.update(derived.fields)
            if derived.replaces is not None:
                jobs.cancel_pending(session, ticket.tenant_id, derived.replaces)
            if rows is not None:
                jobs.enqueue_with(rows, ticket.tenant_id, *derived.jobs)
            else:
                jobs.enqueue(session, ticket.tenant_id, *derived.jobs)

    # -- notes -------------------------------------------------------------------------

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
    ) -> dict[str, Any]:
        """A private note or a public reply, with its `files`; moves the ticket's
        `updated_at` and publishes `ticket.note_added` (the ticket, with the note under
        `note`). A public note `by_requester` (their mail) is no response to them: the
        SLA's first response still runs. `record` adds the caller's rows to the note's
        transaction."""
        config = await self.config_of(tenant_id)
        if files:
            await self.database.read(lambda session: _require(session, tenant_id, ticket_id))
        stored = await self.store_files(tenant_id, files)

        def write(session: Session) -> dict[str, Any]:
            ticket = _require(session, tenant_id, ticket_id, for_update=True)
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
            event = _event(ticket, TicketEventType.NOTE_ADDED, actor, event_data)
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
            ticket = _require(session, tenant_id, ticket_id, for_update=True)
            wanted: dict[str, Any] = {}
            if status and status != ticket.status:
                wanted["status"] = status
            if body.strip() != (ticket.ai_suggested_response or "").strip():
                wanted["ai_suggested_response"] = body
            if wanted:
                changes = TicketUpdate.model_validate(wanted).changes()
                fields = patched_fields(config, ticket, changes)
                self.change(session, config, ticket, fields, actor=actor)

        return await self.add_note(tenant_id, ticket_id, note, actor=actor, record=with_changes)

    async def list_notes(
        self, tenant_id: uuid.UUID, ticket_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of the ticket's notes, oldest first, and how many it has."""

        def read(session: Session) -> tuple[list[dict[str, Any]], int]:
            _require(session, tenant_id, ticket_id)
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
            _require(session, tenant_id, ticket_id)
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

    # -- custom fields -----------------------------------------------------------------

    async def delete_custom_field(
        self, tenant_id: uuid.UUID, field_id: str, *, force: bool, actor: str
    ) -> None:
        """Delete a custom field definition. While tickets hold values for it this is a
        409 with their count, unless `force`: then the values are removed from them in the
        background, each removal a recorded change (`ticket.updated`)."""

        def write(session: Session) -> None:
            definition = custom_fields.require(session, tenant_id, field_id)
            holding = TicketRepository(session, tenant_id).count_holding_custom_field(
                definition.name
            )
            if holding and not force:
                noun = "ticket holds" if holding == 1 else "tickets hold"
                raise Conflict(
                    f"{holding} {noun} a value for {definition.name}; DELETE with "
                    "?force=true removes the values too"
                )
            name = custom_fields.delete_definition(session, tenant_id, field_id)
            if holding:
                jobs.enqueue(session, tenant_id, removal_job(tenant_id, name, actor))

        await self.database.write(write, tenant_id=tenant_id)

    def remove_custom_field_values(
        self, session: Session, tenant_id: uuid.UUID, name: str, actor: str
    ) -> bool:
        """Remove the values of the deleted field `name` from up to REMOVAL_BATCH tickets;
        whether any may remain. A field created again under the name keeps its values."""
        config = self.configs.current(session, tenant_id)
        if name in config[DEFINITIONS]:
            return False
        repository = TicketRepository(session, tenant_id)
        holding = repository.holding_custom_field(name, limit=REMOVAL_BATCH)
        for ticket_id in holding:
            ticket = repository.get(ticket_id, for_update=True)
            if ticket is None:
                continue
            kept = {key: value for key, value in ticket.custom_fields.items() if key != name}
            self.change(session, config, ticket, {"custom_fields": kept}, actor=actor)
        return len(holding) == REMOVAL_BATCH

    # -- events ------------------------------------------------------------------------


def _event(
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


def removal_job(tenant_id: uuid.UUID, name: str, actor: str) -> JobSpec:
    return JobSpec(
        REMOVE_VALUES_JOB_KIND, f"cf-remove:{tenant_id}:{name}", {"name": name, "actor": actor}
    )


def _require(
    session: Session, tenant_id: uuid.UUID, ticket_id: uuid.UUID, *, for_update: bool = False
) -> Ticket:
    ticket = TicketRepository(session, tenant_id).get(ticket_id, for_update=for_update)
    if ticket is None:
        raise TicketNotFound()
    return ticket


def new_ticket(config: TenantConfig, data: TicketCreate) -> NewTicket:
    """Validate a create against the tenant's configuration (its custom fields: 422)."""
    values = custom_fields.resolve(config[DEFINITIONS], data.custom_fields)
    check_assignment(config[DIRECTORY], assignee_id=data.assignee_id, group_id=data.group_id)
    return NewTicket(
        id=uuid.uuid4(),
        tenant_id=config.tenant_id,
        fields={
            "subject": data.subject,
            "description": data.description,
            "status": data.status,
            "priority": data.priority,
            "requester_email": data.requester_email,
            "metadata_": data.metadata or {},
            "custom_fields": values,
            "group_id": data.group_id,
            "assignee_id": data.assignee_id,
        },
        # A creator who names the status has routed the ticket already.
        route="status" not in data.model_fields_set,
    )


def patched_fields(
    config: TenantConfig, ticket: Ticket, changes: Mapping[str, Any]
) -> dict[str, Any]:
    """The columns a PATCH writes: `metadata` merged (RFC 7396), `custom_fields` merged
    and checked against the tenant's definitions (422)."""
    check_assignment(
        config[DIRECTORY],
        assignee_id=changes.get("assignee_id"),
        group_id=changes.get("group_id"),
    )
    fields: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "metadata":
            fields["metadata_"] = merge_patch(ticket.metadata_, value) if value is not None else {}
        elif name == "custom_fields":
            current = ticket.custom_fields or {}
            patch = value if value is not None else dict.fromkeys(current)
            fields["custom_fields"] = custom_fields.resolve(
                config[DEFINITIONS], patch, current=current
            )
        else:
            fields[name] = value
    return fields


def _and_assigned(types: list[TicketEventType], changed: dict[str, Any]) -> list[TicketEventType]:
    """A published change (a PATCH, triage's routing) that moved the group or the
    assignee is followed by `ticket.assigned`."""
    if types and TicketEventType.ASSIGNED not in types and ASSIGNMENT_FIELDS & changed.keys():
        return [*types, TicketEventType.ASSIGNED]
    return types


def _update_event_types(
    before: dict[str, Any], after: dict[str, Any], changed: dict[str, Any]
) -> list[TicketEventType]:
    """ticket.updated with the fields that really changed (none: no event), then
    ticket.closed or ticket.reopened when the status crossed `closed`."""
    if not changed:
        return []
    types = [TicketEventType.UPDATED]
    if "status" in changed and after["status"] == "closed":
        types.append(TicketEventType.CLOSED)
    elif "status" in changed and before["status"] == "closed":
        types.append(TicketEventType.REOPENED)
    return types


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


def _decoded_cursor(cursor: str) -> Position:
    try:
        return decode_cursor(cursor)
    except InvalidCursor:
        raise ValidationFailed.at(("query", "cursor"), "Invalid cursor") from None

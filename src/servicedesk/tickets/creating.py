"""Creating a ticket: the draft the create's steps pass along, and validate → claim the
Idempotency-Key → steps (triage, assign, provider) → write → publish.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial

from sqlalchemy.orm import Session

from servicedesk.custom_fields import service as custom_fields
from servicedesk.custom_fields.service import DEFINITIONS
from servicedesk.db.base import utcnow
from servicedesk.db.rows import PendingRows, Precondition, PreconditionFailed
from servicedesk.errors import (
    ApiError,
)
from servicedesk.idempotency import service as idempotency
from servicedesk.idempotency.service import IdempotencyRequest, StoredResponse
from servicedesk.jobs import repository as jobs
from servicedesk.tenant_config import TenantConfig, unchanged
from servicedesk.tickets.core import Recorder, ServiceCore
from servicedesk.tickets.derived import Moment
from servicedesk.tickets.documents import ASSIGNMENT_FIELDS, and_assigned, changed_fields, event_of
from servicedesk.tickets.drafts import NEW_TICKET, NewTicket, as_columns
from servicedesk.tickets.events import (
    Publication,
    TicketEventType,
    publish,
)
from servicedesk.tickets.repository import (
    TICKETS,
)
from servicedesk.tickets.schemas import (
    TicketCreate,
)
from servicedesk.tickets.schemas import ticket_document as document_of_columns
from servicedesk.users.service import DIRECTORY, check_assignment

# How long a request waits for another that holds its Idempotency-Key before it answers
# 409 "in progress" with Retry-After: under the 10 s many HTTP clients give up after. A
# holder that died (a crashed process) keeps the key until its lease runs out (the
# provider's create timeout + the write queue's + 5 s).
CLAIM_WAIT_SECONDS = 8.0


# Stores an Idempotency-Key's answer in the transaction of the ticket it answers with.
Answer = Callable[[Session, StoredResponse], None]


class Creating(ServiceCore):
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
            **as_columns(draft.fields),
            **as_columns(draft.stored),
            "id": draft.id,
            "tenant_id": draft.tenant_id,
            "created_at": now,
            "updated_at": now,
        }
        rows = PendingRows()
        # The ticket as it will be stored, the follow-ups (triage) applied.
        final = {**columns, **as_columns(draft.state())}
        for derive in self.derivers:
            derived = derive(config, final, Moment(now))
            columns.update(derived.fields)
            final.update(derived.fields)
            jobs.enqueue_with(rows, draft.tenant_id, *derived.jobs)
        documents = [document_of_columns(columns)]
        for follow_up in draft.follow_ups:
            columns.update(as_columns(follow_up.fields))
            documents.append(document_of_columns(columns))
        stored = documents[-1]
        rows.insert(TICKETS, [columns])
        events = [event_of(draft, TicketEventType.CREATED, actor, stored, now=now)]
        assigned = {
            name: {"old": None, "new": documents[0][name]}
            for name in sorted(ASSIGNMENT_FIELDS)
            if documents[0][name] is not None
        }
        if assigned:
            events.append(event_of(draft, TicketEventType.ASSIGNED, actor, stored, assigned))
        for follow_up, before, after in zip(
            draft.follow_ups, documents[:-1], documents[1:], strict=True
        ):
            data = {**after, **follow_up.extra}
            changes = changed_fields(before, after)
            types = and_assigned([follow_up.event_type], changes)
            events.extend(event_of(draft, kind, follow_up.actor, data, changes) for kind in types)
        publish(self.subscribers, Publication(session, config, rows), events)
        jobs.enqueue_with(rows, draft.tenant_id, *draft.jobs)
        if record is not None:
            record(session, rows, stored)
        rows.write(session, guard)
        response = StoredResponse(201, stored)
        if answer is not None:
            answer(session, response)
        return response


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

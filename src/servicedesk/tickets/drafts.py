"""A ticket on its way through the create's steps (`NewTicket`), the changes others make
to it before it is stored (`FollowUp`), and what a step is (`CreateStep`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from servicedesk.jobs.service import JobSpec
from servicedesk.tenant_config import TenantConfig
from servicedesk.tickets.events import (
    TicketEventType,
)
from servicedesk.tickets.repository import (
    COLUMN_OF,
)


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


def as_columns(fields: Mapping[str, Any]) -> dict[str, Any]:
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

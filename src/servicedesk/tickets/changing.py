"""Changing a stored ticket: a PATCH, a provider's report, the system's changes; each
writes the fields, runs the derivers and publishes what really changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from servicedesk.custom_fields import service as custom_fields
from servicedesk.custom_fields.service import DEFINITIONS
from servicedesk.db.rows import PendingRows
from servicedesk.errors import (
    NoValidFields,
    TicketNotFound,
)
from servicedesk.jobs import repository as jobs
from servicedesk.tenant_config import TenantConfig
from servicedesk.tickets import versions
from servicedesk.tickets.core import ServiceCore
from servicedesk.tickets.derived import Moment
from servicedesk.tickets.documents import (
    and_assigned,
    changed_fields,
    event_of,
    later_than,
    ticket_columns,
    ticket_document,
)
from servicedesk.tickets.events import (
    Publication,
    TicketEventType,
    publish,
)
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.repository import (
    TicketRepository,
)
from servicedesk.tickets.schemas import (
    TicketUpdate,
)
from servicedesk.tickets.versions import Expected
from servicedesk.users.service import DIRECTORY, check_assignment

MIRROR_FAILED = "failed"
MIRROR_PENDING = "pending"


class Changing(ServiceCore):
    async def update(
        self,
        tenant_id: uuid.UUID,
        ticket_id: uuid.UUID,
        patch: TicketUpdate,
        *,
        actor: str,
        expected: Expected | None = None,
    ) -> dict[str, Any]:
        """Apply a PATCH: omitted fields stay, `metadata` and `custom_fields` merge key by
        key; the change is published (none if nothing really changed). `expected`: the
        versions the caller's If-Match names (`tickets.versions`)."""
        changes = patch.changes()
        if not changes:
            raise NoValidFields()
        config = await self.config_of(tenant_id)

        def write(session: Session) -> dict[str, Any]:
            ticket = TicketRepository(session, tenant_id).require(
                ticket_id, missing=TicketNotFound, for_update=True
            )
            versions.check(expected, ticket)
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
            types = and_assigned(_update_event_types(before, after, changed), changed)
        else:
            types = and_assigned([event_type], changed)
        data = {**after, **(extra or {})}
        events = [event_of(ticket, kind, actor, data, changed) for kind in types]
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

"""Custom field values on tickets: deleting a field that tickets hold (409, or removal in
the background), and removing the values batch by batch.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from servicedesk.custom_fields import service as custom_fields
from servicedesk.custom_fields.service import DEFINITIONS
from servicedesk.errors import (
    Conflict,
)
from servicedesk.jobs import repository as jobs
from servicedesk.jobs.service import JobSpec
from servicedesk.tickets.changing import Changing
from servicedesk.tickets.repository import (
    TicketRepository,
)

# A custom field's values are removed from this many tickets per transaction.
REMOVAL_BATCH = 200
REMOVE_VALUES_JOB_KIND = "tickets.remove_custom_field_values"


class FieldValues(Changing):
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


def removal_job(tenant_id: uuid.UUID, name: str, actor: str) -> JobSpec:
    return JobSpec(
        REMOVE_VALUES_JOB_KIND, f"cf-remove:{tenant_id}:{name}", {"name": name, "actor": actor}
    )

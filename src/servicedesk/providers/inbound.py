"""Applying a change the provider reports (status or priority set there) to our ticket.

The change is written as the actor `provider:<kind>` and queues nothing for the
provider, so it is never echoed back. A reported status that the provider would also
show for our current one is no change: Freshservice's "Open" leaves our `pending_agent`
(which it shows as Open) alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.errors import ApiError, TicketNotFound
from servicedesk.providers import freshservice, zendesk
from servicedesk.providers.base import InboundChange
from servicedesk.providers.models import ProviderConfig
from servicedesk.tickets import service as tickets
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.schemas import TicketUpdate

_PARSERS: dict[str, Callable[[dict[str, Any]], InboundChange | None]] = {
    freshservice.KIND: freshservice.parse_inbound,
    zendesk.KIND: zendesk.parse_inbound,
}
_STATUSES: dict[str, dict[str, object]] = {
    freshservice.KIND: freshservice.STATUSES,
    zendesk.KIND: zendesk.STATUSES,
}


class InboundPayloadInvalid(ApiError):
    status_code = 400
    description = "The payload names no ticket: send ticket_id"


async def apply(
    session: AsyncSession, config: ProviderConfig, payload: dict[str, Any]
) -> tuple[uuid.UUID, set[str]]:
    """Apply the reported change; returns our ticket's id and the fields that changed."""
    change = _PARSERS[config.kind](payload)
    if change is None or "\x00" in change.external_ticket_id:
        raise InboundPayloadInvalid()
    ticket = await _mirrored_ticket(session, config, change.external_ticket_id)
    fields: dict[str, Any] = {}
    statuses = _STATUSES[config.kind]
    if change.status is not None and statuses[change.status] != statuses[ticket.status]:
        fields["status"] = change.status
    if change.priority is not None and change.priority != ticket.priority:
        fields["priority"] = change.priority
    if fields:
        await tickets.update_ticket(
            session,
            config.tenant_id,
            ticket.id,
            TicketUpdate(**fields),
            actor=f"provider:{config.kind}",
        )
    return ticket.id, set(fields)


async def _mirrored_ticket(
    session: AsyncSession, config: ProviderConfig, external_id: str
) -> Ticket:
    result = await session.execute(
        select(Ticket)
        .where(
            Ticket.tenant_id == config.tenant_id,
            Ticket.external_ticket_id == external_id,
            Ticket.external_provider == config.kind,
        )
        .with_for_update()
    )
    ticket = result.scalars().first()
    if ticket is None:
        raise TicketNotFound()
    return ticket

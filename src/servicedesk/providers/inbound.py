"""Applying a change the provider reports (status or priority set there) to our ticket.

The provider's automation calls us with the tenant's inbound token in the path and its
inbound secret as a bearer token. The change is written as the actor `provider:<kind>`
and queues nothing for the provider, so it is never echoed back. A reported status that
the provider would also show for our current one is no change: Freshservice's "Open"
leaves our `pending_agent` (which it shows as Open) alone.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from servicedesk.db.database import Database
from servicedesk.errors import ApiError, InboundNotAuthorized
from servicedesk.providers import freshservice, service, zendesk
from servicedesk.providers import repository as configs
from servicedesk.providers.base import InboundChange
from servicedesk.providers.models import ProviderConfig
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.service import TicketService
from servicedesk.validation import storable_text

INBOUND_TOKEN = re.compile(r"inb_[0-9a-f]{32}")
EXTERNAL_ID_MAX = 100  # tickets.external_ticket_id

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


async def authorised_config(
    database: Database, provider: str, token: str, presented: str
) -> ProviderConfig:
    """The tenant's provider settings that `token` and the secret open, or 401."""
    if not INBOUND_TOKEN.fullmatch(token) or not presented:
        raise InboundNotAuthorized()
    config = await database.read(lambda session: configs.config_by_inbound_token(session, token))
    if (
        config is None
        or config.kind != provider
        or not service.inbound_secret_matches(config, presented)
    ):
        raise InboundNotAuthorized()
    return config


def _storable_id(external_id: str) -> bool:
    """An id a ticket could hold: text a database can compare (no NUL, no lone
    surrogate) and no longer than the column."""
    try:
        storable_text(external_id)
    except ValueError:
        return False
    return len(external_id) <= EXTERNAL_ID_MAX


async def apply(
    tickets: TicketService, config: ProviderConfig, payload: dict[str, Any]
) -> tuple[uuid.UUID, set[str]]:
    """Apply the reported change; returns our ticket's id and the fields that changed."""
    change = _PARSERS[config.kind](payload)
    if change is None or not _storable_id(change.external_ticket_id):
        raise InboundPayloadInvalid()
    statuses = _STATUSES[config.kind]

    def fields_for(ticket: Ticket) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if change.status is not None and statuses[change.status] != statuses[ticket.status]:
            fields["status"] = change.status
        if change.priority is not None and change.priority != ticket.priority:
            fields["priority"] = change.priority
        return fields

    return await tickets.update_mirrored(
        config.tenant_id,
        config.kind,
        change.external_ticket_id,
        fields_for,
        actor=f"provider:{config.kind}",
    )

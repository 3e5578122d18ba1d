"""Learning from agents: every PATCH that overrides a ticket's category or suggested
reply is kept as feedback, in the PATCH's transaction.

A category override is a labelled example for `servicedesk triage train`; a reply
written by an agent answers similar tickets once the ticket is resolved
(`servicedesk.triage.service.load_sources`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.db.base import utcnow
from servicedesk.tickets.models import Ticket
from servicedesk.triage.engine import TicketText
from servicedesk.triage.models import TriageFeedback

LEARNED_FIELDS = ("category", "ai_suggested_response")


def record_overrides(
    session: AsyncSession, ticket: Ticket, changed: Mapping[str, Any], actor: str
) -> bool:
    """Add a feedback row per overridden field; False: the ticket itself is unchanged
    (the signature of `tickets.service.update_ticket`'s `on_change`)."""
    for field in LEARNED_FIELDS:
        if field in changed:
            session.add(
                TriageFeedback(
                    tenant_id=ticket.tenant_id,
                    ticket_id=ticket.id,
                    field=field,
                    previous_value=changed[field]["old"],
                    agent_value=changed[field]["new"],
                    ticket_text=TicketText(ticket.subject, ticket.description).text,
                    actor=actor,
                    created_at=utcnow(),
                )
            )
    return False

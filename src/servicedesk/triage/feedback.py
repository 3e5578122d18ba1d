"""Learning from agents: every change that overrides a ticket's category or suggested
reply is kept as feedback, in the change's transaction.

`learn_from_overrides` is a subscriber of ticket changes (`servicedesk.composition`): it
reads `ticket.updated` events, which only people and integrations publish (triage's own
results are `ticket.triaged`). A category override is a labelled example for
`servicedesk triage train`; a reply written by an agent answers similar tickets once the
ticket is resolved (`servicedesk.triage.service.load_sources`)."""

from __future__ import annotations

from collections.abc import Sequence

from servicedesk.db.base import table_of, utcnow
from servicedesk.tickets.events import Publication, TicketEvent, TicketEventType
from servicedesk.triage.engine import TicketText
from servicedesk.triage.models import TriageFeedback

LEARNED_FIELDS = ("category", "ai_suggested_response")
_FEEDBACK = table_of(TriageFeedback)


def learn_from_overrides(publication: Publication, events: Sequence[TicketEvent]) -> None:
    now = utcnow()
    rows = [
        {
            "tenant_id": event.tenant_id,
            "ticket_id": event.ticket_id,
            "field": field,
            "previous_value": event.changes[field]["old"],
            "agent_value": event.changes[field]["new"],
            "ticket_text": TicketText(event.data["subject"], event.data["description"]).text,
            "actor": event.actor,
            "created_at": now,
        }
        for event in events
        if event.type is TicketEventType.UPDATED and event.changes
        for field in LEARNED_FIELDS
        if field in event.changes
    ]
    if rows:
        publication.rows.insert(_FEEDBACK, rows)

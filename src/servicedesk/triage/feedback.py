"""Learning from agents: every change that overrides a ticket's category or suggested
reply is kept as feedback, in the change's transaction.

`learn_from_overrides` is a subscriber of ticket changes (`servicedesk.composition`): it
reads `ticket.updated` events, which only people and integrations publish (triage's own
results are `ticket.triaged`). A category override is a labelled example for
`servicedesk triage train`; a reply written by an agent answers similar tickets once the
ticket is resolved (`servicedesk.triage.service.load_sources`). A tenant that retrains
automatically (`retrain_every`) gets a `triage.retrain` job once enough overrides are new
since its last model (`servicedesk.triage.retraining`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from servicedesk.db.base import table_of, utcnow
from servicedesk.jobs.repository import cancel_pending, enqueue_with
from servicedesk.jobs.service import JobSpec
from servicedesk.tickets.events import Publication, TicketEvent, TicketEventType
from servicedesk.triage import repository as triage_rows
from servicedesk.triage.engine import TicketText
from servicedesk.triage.models import TriageFeedback
from servicedesk.triage.service import TRIAGE

LEARNED_FIELDS = ("category", "ai_suggested_response")
RETRAIN_JOB_KIND = "triage.retrain"
RETRAIN_KEY = "triage:retrain"
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
        _queue_retraining(publication, rows)
        publication.rows.insert(_FEEDBACK, rows)


def _queue_retraining(publication: Publication, rows: list[dict[str, Any]]) -> None:
    """One pending `triage.retrain` job once `retrain_every` overrides are new (a
    newer one replaces a job still waiting)."""
    tenant = publication.config[TRIAGE]
    added = sum(1 for row in rows if row["field"] == "category")
    if tenant.retrain_every is None or added == 0:
        return
    if (
        triage_rows.new_overrides(publication.session, tenant.tenant_id) + added
        < tenant.retrain_every
    ):
        return
    cancel_pending(publication.session, tenant.tenant_id, RETRAIN_KEY)
    enqueue_with(publication.rows, tenant.tenant_id, JobSpec(RETRAIN_JOB_KIND, RETRAIN_KEY))

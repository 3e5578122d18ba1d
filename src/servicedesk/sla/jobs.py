"""The SLA timers: an outbox job per warning and breach, due at its time.

A ticket's timers are queued by its changes (servicedesk.sla.clock.derive), one ordering
key per ticket, and replaced when its due times move. When one runs, it reads the
ticket's clock again as of now: the warning or breach fires (`ticket.sla_warning`,
`ticket.sla_breached`, through the ticket service like any change) only if it is still
due and has not fired in the target's cycle, and the clock records it in the same
transaction, so a worker killed and restarted in between never sends it twice.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from servicedesk.db.base import utcnow
from servicedesk.jobs.service import Backoff, ClaimedJob, Done, Outcome
from servicedesk.sla import clock
from servicedesk.sla.clock import BREACH
from servicedesk.sla.service import POLICIES
from servicedesk.tickets.derived import Moment
from servicedesk.tickets.documents import ticket_columns
from servicedesk.tickets.events import TicketEventType
from servicedesk.tickets.repository import TicketRepository
from servicedesk.tickets.service import TicketService

ACTOR = "sla"
_EVENT_OF = {BREACH: TicketEventType.SLA_BREACHED, clock.WARNING: TicketEventType.SLA_WARNING}


class SlaTimerHandler:
    """`sla.timer`: nothing outside to do; `record` fires the event or lets it go."""

    backoff = Backoff(base=5.0, cap=300.0)

    def __init__(self, tickets: TicketService) -> None:
        self.tickets = tickets

    async def perform(self, job: ClaimedJob) -> None:
        return None

    def record(self, session: Session, job: ClaimedJob, result: None) -> Outcome:
        ticket_id = uuid.UUID(job.payload["ticket_id"])
        ticket = TicketRepository(session, job.tenant_id).get(ticket_id, for_update=True)
        if ticket is None:
            return Done()
        config = self.tickets.configs.current(session, job.tenant_id)
        now = utcnow()
        _, reading = clock.derive(config[POLICIES], ticket_columns(ticket), Moment(now))
        marker = job.payload["marker"]
        due = dict(reading.clock.schedule).get(marker) if reading is not None else None
        if reading is None or due is None or due > now:
            # Moved (a policy edited, the ticket changed meanwhile): queue what is due now.
            self.tickets.derive(session, config, ticket, Moment(now))
            return Done()
        target, kind, _ = marker.split(":")
        fired = reading.clock.fired | {marker}
        ticket.sla_clock = {**reading.clock.to_json(), "fired": sorted(fired)}
        self.tickets.change(
            session,
            config,
            ticket,
            {},
            actor=ACTOR,
            event_type=_EVENT_OF[kind],
            extra={"sla_target": target},
        )
        return Done()

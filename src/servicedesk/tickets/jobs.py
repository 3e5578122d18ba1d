"""The outbox handler of ticket changes the worker makes: removing a deleted custom
field's values, a batch of tickets per job, each removal a recorded change."""

from __future__ import annotations

from sqlalchemy.orm import Session

from servicedesk.jobs import repository as jobs
from servicedesk.jobs.service import Backoff, ClaimedJob, Done, Outcome
from servicedesk.tickets.field_values import removal_job
from servicedesk.tickets.service import TicketService


class CustomFieldValueRemoval:
    """`tickets.remove_custom_field_values`: nothing outside to do; each run removes the
    values from a batch of tickets and queues the next batch if more may remain."""

    backoff = Backoff(base=5.0, cap=300.0)

    def __init__(self, tickets: TicketService) -> None:
        self.tickets = tickets

    async def perform(self, job: ClaimedJob) -> bool:
        return True

    def record(self, session: Session, job: ClaimedJob, result: bool) -> Outcome:
        name, actor = job.payload["name"], job.payload["actor"]
        if self.tickets.remove_custom_field_values(session, job.tenant_id, name, actor):
            jobs.enqueue(session, job.tenant_id, removal_job(job.tenant_id, name, actor))
        return Done()

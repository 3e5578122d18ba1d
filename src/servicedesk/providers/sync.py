"""The outbox handler that mirrors tickets into the provider: `provider.create`,
`provider.update` and `provider.note` jobs.

A create that is retried (or whose first try may have reached the provider) first asks
the provider for the ticket it may already have made for ours, so a timeout, a 5xx or a
worker killed between the provider's answer and our commit never makes a second one.
An update pushes the ticket as it is when the job runs, and is skipped when a later
update of the same ticket is queued behind it: a burst of PATCHes costs one call.
Transient failures retry forever with capped exponential backoff, honouring
`Retry-After`, per tenant (a circuit breaker: see `_pause_tenant`), except a 429 that
came while the account still had requests left (a limit on one ticket's updates): that
call alone waits. A rejection fails the job and is written on the ticket. A ticket
mirrored in an account the tenant has since left is not sent to the new one; its
`external_sync_error` says why.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
from sqlalchemy.orm import Session

from servicedesk.config import Settings
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.jobs import repository as jobs
from servicedesk.jobs.service import Backoff, ClaimedJob, Done, Fail, Outcome, Retry
from servicedesk.logs import get_logger
from servicedesk.providers import repository as configs
from servicedesk.providers import service
from servicedesk.providers.base import CallResult, Provider, Rejected, RemoteTicket, Unavailable
from servicedesk.providers.service import PROVIDER
from servicedesk.tickets.events import TicketEventType
from servicedesk.tickets.models import Ticket, TicketNote
from servicedesk.tickets.repository import NoteRepository, TicketRepository
from servicedesk.tickets.service import TicketService

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Attempted:
    """A call to the tenant's provider account (`kind`, `account`) and what it came to."""

    kind: str
    account: str
    result: CallResult


@dataclass(frozen=True, slots=True)
class Skip:
    """Nothing to send: `reason` says why; it is written on the ticket."""

    reason: str


@dataclass(frozen=True, slots=True)
class _Work:
    """What `perform` read: the ticket, the account, the note of a note job."""

    ticket: Ticket
    account: service.ProviderAccount | None
    superseded: bool
    note: TicketNote | None


class ProviderSyncHandler:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        http: httpx.AsyncClient,
        tickets: TicketService,
    ) -> None:
        self.database = database
        self.settings = settings
        self.http = http
        self.tickets = tickets
        self.backoff = Backoff(
            settings.provider_retry_base_seconds, settings.provider_retry_max_seconds
        )

    async def perform(self, job: ClaimedJob) -> Attempted | Skip | Done:
        work = await self.database.read(lambda session: self._read(session, job))
        if work is None or work.superseded:
            return Done()
        ticket, account = work.ticket, work.account
        if account is None:
            return Skip("No ITSM provider is configured any more")
        elsewhere = service.mirrored_elsewhere(ticket, account)
        if elsewhere is not None:
            return Skip(elsewhere)
        if await self.database.read(lambda session: service.paused_until(session, job.tenant_id)):
            message = "Paused after the provider's last failure"
            return Attempted(account.kind, account.account, Unavailable(message))
        client = service.client_for(account, self.settings, self.http)
        attempted = await self._call(client, job, work)
        if attempted is None:
            return Done()
        return Attempted(account.kind, account.account, attempted)

    def _read(self, session: Session, job: ClaimedJob) -> _Work | None:
        ticket = TicketRepository(session, job.tenant_id).get(uuid.UUID(job.payload["ticket_id"]))
        if ticket is None:
            return None
        config = self.tickets.configs.current(session, job.tenant_id)
        superseded = job.kind == service.UPDATE_JOB_KIND and jobs.later_job_queued(session, job)
        note = None
        if job.kind == service.NOTE_JOB_KIND:
            note_id = uuid.UUID(job.payload["note_id"])
            note = NoteRepository(session, job.tenant_id).get(note_id)
        return _Work(ticket, config[PROVIDER], superseded, note)

    async def _call(self, client: Provider, job: ClaimedJob, work: _Work) -> CallResult | None:
        """The call the job makes; None when there is nothing (left) to send."""
        ticket = work.ticket
        assert work.account is not None
        if job.kind in (service.UPDATE_JOB_KIND, service.NOTE_JOB_KIND):
            if ticket.external_ticket_id is None:
                return None  # its create failed for good; a later change re-creates
            if job.kind == service.NOTE_JOB_KIND:
                if work.note is None:
                    return None
                return await client.add_note(
                    ticket.external_ticket_id, work.note.body, private=work.note.private
                )
            return await client.update(
                ticket.external_ticket_id, service.outbound(ticket, work.account)
            )
        if ticket.external_ticket_id is not None:
            return None
        if job.attempt > 1 or job.payload.get("ambiguous"):
            found = await client.find(ticket.id)
            if found is not None:
                return found
        return await client.create(service.outbound(ticket, work.account))

    def record(self, session: Session, job: ClaimedJob, attempted: Attempted | Skip) -> Outcome:
        ticket = TicketRepository(session, job.tenant_id).get(
            uuid.UUID(job.payload["ticket_id"]), for_update=True
        )
        if ticket is None:
            return Done()
        if isinstance(attempted, Skip):
            log.info("provider_sync_skipped", job_id=job.id, reason=attempted.reason)
            self._sync_failed(session, ticket, attempted.reason, actor="provider")
            return Done()
        result, actor = attempted.result, f"provider:{attempted.kind}"
        if isinstance(result, Unavailable):
            if result.narrow:
                # One ticket's (or one endpoint's) limit: this call waits, the others go.
                return Retry(self._delay(job.attempt, result), result.message)
            return self._pause_tenant(session, job, result)
        service.close_circuit(session, job.tenant_id)
        if isinstance(result, Rejected):
            self._sync_failed(session, ticket, result.message, actor=actor)
            return Fail(result.message)
        if job.kind == service.CREATE_JOB_KIND:
            self._synced(session, ticket, result, attempted)
        elif ticket.external_sync_error is not None:
            self._change(session, ticket, {"external_sync_error": None}, actor)
        return Done()

    def _pause_tenant(self, session: Session, job: ClaimedJob, result: Unavailable) -> Outcome:
        """The circuit breaker: one failure pauses all of the tenant's provider jobs.

        A provider that is down (or rate limiting, or refusing our credentials) is down
        for every ticket: rather than let each pending job find that out on its own
        schedule (a write per job per retry), the first failure of a wave pushes them all
        back to one moment, and each failed probe in a row doubles the pause (capped,
        jittered, never shorter than the provider's `Retry-After`).
        """
        failures = configs.consecutive_failures(session, job.tenant_id) + 1
        until = service.pause_circuit(
            session, job.tenant_id, failures, self._delay(failures, result)
        )
        if until is None:
            return Retry(self._delay(job.attempt, result), result.message)
        return Retry((until - utcnow()).total_seconds(), result.message)

    def _delay(self, failures: int, result: Unavailable) -> float:
        delay = self.backoff.delay(failures)
        if result.retry_after is not None:
            delay = max(delay, min(result.retry_after, self.settings.provider_retry_max_seconds))
        return delay

    def _synced(
        self, session: Session, ticket: Ticket, remote: RemoteTicket, attempted: Attempted
    ) -> None:
        fields = {
            "external_provider": attempted.kind,
            "external_ticket_id": remote.id,
            "external_ticket_url": remote.url,
            "external_sync_status": service.SYNCED,
            "external_sync_error": None,
            "external_account": attempted.account,
        }
        self._change(session, ticket, fields, f"provider:{attempted.kind}")

    def _sync_failed(self, session: Session, ticket: Ticket, message: str, *, actor: str) -> None:
        fields: dict[str, str | None] = {"external_sync_error": message}
        if ticket.external_ticket_id is None:
            fields["external_sync_status"] = service.FAILED
        self._change(session, ticket, fields, actor, TicketEventType.SYNC_FAILED)

    def _change(
        self,
        session: Session,
        ticket: Ticket,
        fields: dict[str, str | None],
        actor: str,
        event_type: TicketEventType = TicketEventType.UPDATED,
    ) -> None:
        config = self.tickets.configs.current(session, ticket.tenant_id)
        self.tickets.change(
            session, config, ticket, fields, actor=actor, event_type=event_type, by_mirror=True
        )

"""The outbox handler that mirrors tickets into the provider: `provider.create` and
`provider.update` jobs.

A create that is retried (or whose first try may have reached the provider) first asks
the provider for the ticket it may already have made for ours, so a timeout, a 5xx or a
worker killed between the provider's answer and our commit never makes a second one.
An update pushes the ticket as it is when the job runs, and is skipped when a later
update of the same ticket is queued behind it: a burst of PATCHes costs one call.
Transient failures retry forever with capped exponential backoff, honouring
`Retry-After`, per tenant (a circuit breaker: see `_pause_tenant`); a rejection fails the
job and is written on the ticket.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import httpx
from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.config import Settings
from servicedesk.db.base import utcnow
from servicedesk.db.session import Database
from servicedesk.events.types import EventType
from servicedesk.jobs import service as jobs
from servicedesk.jobs.models import PENDING as JOB_PENDING
from servicedesk.jobs.models import OutboxJob
from servicedesk.jobs.service import ClaimedJob, Done, Fail, Outcome, Retry
from servicedesk.logs import get_logger
from servicedesk.notes.models import TicketNote
from servicedesk.providers import service
from servicedesk.providers.base import CallResult, Provider, Rejected, RemoteTicket, Unavailable
from servicedesk.providers.models import ProviderConfig
from servicedesk.tickets import service as tickets
from servicedesk.tickets.models import Ticket

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Attempted:
    """A call to the tenant's provider (`kind`) and what it came to."""

    kind: str
    result: CallResult


@dataclass(frozen=True, slots=True)
class Skip:
    """Nothing to send: `reason` says why (logged); a create also fails the ticket's sync."""

    reason: str


class ProviderSyncHandler:
    def __init__(self, database: Database, settings: Settings, http: httpx.AsyncClient) -> None:
        self.database = database
        self.settings = settings
        self.http = http

    async def perform(self, job: ClaimedJob) -> Attempted | Skip | Done:
        ticket_id = uuid.UUID(job.payload["ticket_id"])
        async with self.database.read_sessions() as session:
            ticket = await session.get(Ticket, ticket_id)
            config = await service.get_config(session, job.tenant_id)
            superseded = job.kind == service.UPDATE_JOB_KIND and await _later_update_queued(
                session, job
            )
        if ticket is None or superseded:
            return Done()
        if config is None:
            return Skip("No ITSM provider is configured any more")
        if service.is_paused(config):
            return Attempted(config.kind, Unavailable("Paused after the provider's last failure"))
        client = service.client_for(config, self.settings, self.http)
        outbound = service.outbound(ticket, config)
        if job.kind in (service.UPDATE_JOB_KIND, service.NOTE_JOB_KIND):
            if ticket.external_ticket_id is None:
                return Done()  # its create failed for good; a later change re-creates
            if job.kind == service.NOTE_JOB_KIND:
                return await self._post_note(client, ticket.external_ticket_id, job)
            return Attempted(client.kind, await client.update(ticket.external_ticket_id, outbound))
        if ticket.external_ticket_id is not None:
            return Done()
        if job.attempt > 1 or job.payload.get("ambiguous"):
            found = await client.find(ticket.id)
            if found is not None:
                return Attempted(client.kind, found)
        return Attempted(client.kind, await client.create(outbound))

    async def _post_note(
        self, client: Provider, external_id: str, job: ClaimedJob
    ) -> Attempted | Done:
        async with self.database.read_sessions() as session:
            note = await session.get(TicketNote, uuid.UUID(job.payload["note_id"]))
        if note is None:
            return Done()
        return Attempted(
            client.kind, await client.add_note(external_id, note.body, private=note.private)
        )

    async def record(
        self, session: AsyncSession, job: ClaimedJob, attempted: Attempted | Skip
    ) -> Outcome:
        ticket_id = uuid.UUID(job.payload["ticket_id"])
        ticket = await session.get(Ticket, ticket_id, with_for_update=True)
        if ticket is None:
            return Done()
        if isinstance(attempted, Skip):
            log.info("provider_sync_skipped", job_id=job.id, reason=attempted.reason)
            if job.kind == service.CREATE_JOB_KIND:
                await _sync_failed(session, ticket, attempted.reason, actor="provider")
            return Done()
        result, actor = attempted.result, f"provider:{attempted.kind}"
        if isinstance(result, Unavailable):
            return await self._pause_tenant(session, job, result)
        await _close_circuit(session, job.tenant_id)
        if isinstance(result, Rejected):
            await _sync_failed(session, ticket, result.message, actor=actor)
            return Fail(result.message)
        if job.kind == service.CREATE_JOB_KIND:
            await _synced(session, ticket, result, kind=attempted.kind)
        elif ticket.external_sync_error is not None:
            await tickets.change_ticket(session, ticket, {"external_sync_error": None}, actor=actor)
        return Done()

    async def _pause_tenant(
        self, session: AsyncSession, job: ClaimedJob, result: Unavailable
    ) -> Outcome:
        """The circuit breaker: one failure pauses all of the tenant's provider jobs.

        A provider that is down (or rate limiting, or refusing our credentials) is down
        for every ticket: rather than let each pending job find that out on its own
        schedule (a write per job per retry), the first failure of a wave pushes them all
        back to one moment, and each failed probe in a row doubles the pause (capped,
        jittered, never shorter than the provider's `Retry-After`).
        """
        config = await session.get(ProviderConfig, job.tenant_id, with_for_update=True)
        now = utcnow()
        if config is None:
            return Retry(self._delay(job.attempt, result), result.message)
        if config.paused_until is None or config.paused_until <= now:
            config.consecutive_failures += 1
            delay = self._delay(config.consecutive_failures, result)
            config.paused_until = now + timedelta(seconds=delay)
            await session.execute(
                update(OutboxJob)
                .where(
                    OutboxJob.tenant_id == job.tenant_id,
                    OutboxJob.kind.in_(service.JOB_KINDS),
                    OutboxJob.state == JOB_PENDING,
                    OutboxJob.run_after < config.paused_until,
                    # Jobs in flight are left alone: their own finish (which holds their
                    # row) reschedules them, and waiting on it here could deadlock.
                    OutboxJob.locked_by.is_(None),
                )
                .values(run_after=config.paused_until)
                .execution_options(synchronize_session=False)
            )
        return Retry((config.paused_until - now).total_seconds(), result.message)

    def _delay(self, failures: int, result: Unavailable) -> float:
        delay = jobs.backoff_delay(
            failures,
            base=self.settings.provider_retry_base_seconds,
            cap=self.settings.provider_retry_max_seconds,
        )
        if result.retry_after is not None:
            delay = max(delay, min(result.retry_after, self.settings.provider_retry_max_seconds))
        return delay


async def _close_circuit(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    config = await session.get(ProviderConfig, tenant_id)
    if config is not None and (config.consecutive_failures or config.paused_until):
        config.consecutive_failures, config.paused_until = 0, None


async def _later_update_queued(session: AsyncSession, job: ClaimedJob) -> bool:
    later = exists().where(
        OutboxJob.ordering_key == job.ordering_key,
        OutboxJob.kind == service.UPDATE_JOB_KIND,
        OutboxJob.state == JOB_PENDING,
        OutboxJob.id > job.id,
    )
    return bool((await session.execute(select(later))).scalar())


async def _synced(session: AsyncSession, ticket: Ticket, remote: RemoteTicket, kind: str) -> None:
    await tickets.change_ticket(
        session,
        ticket,
        {
            "external_provider": kind,
            "external_ticket_id": remote.id,
            "external_ticket_url": remote.url,
            "external_sync_status": service.SYNCED,
            "external_sync_error": None,
        },
        actor=f"provider:{kind}",
    )


async def _sync_failed(session: AsyncSession, ticket: Ticket, message: str, *, actor: str) -> None:
    fields: dict[str, str | None] = {"external_sync_error": message}
    if ticket.external_ticket_id is None:
        fields["external_sync_status"] = service.FAILED
    await tickets.change_ticket(
        session, ticket, fields, actor=actor, event_type=EventType.TICKET_SYNC_FAILED
    )

"""The `triage.run` job: triage a ticket in the worker.

Queued by create when the inline triage failed or was too slow (engine `local`), or to
refine the inline result with the LLM (engine `llm`). The result is applied only if the
ticket still holds what it held when the job was queued: an agent's category or reply
set meanwhile always wins. Routing is applied again if the ticket is still where
routing (or its creator's default) left it.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.config import Settings
from servicedesk.db.session import Database
from servicedesk.jobs import service as jobs
from servicedesk.jobs.service import ClaimedJob, Done, Fail, Outcome, Retry
from servicedesk.logs import get_logger
from servicedesk.providers import service as providers
from servicedesk.tickets import service as tickets
from servicedesk.tickets.models import Ticket
from servicedesk.triage import service
from servicedesk.triage.engine import LLM_ENGINE, TicketText, Triage
from servicedesk.triage.llm import LlmClient, LlmError

log = get_logger(__name__)

LOCAL_MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 2.0
RETRY_MAX_SECONDS = 120.0


class TriageJobHandler:
    def __init__(self, database: Database, settings: Settings, http: httpx.AsyncClient) -> None:
        self.database = database
        self.settings = settings
        self.llm = LlmClient(settings, http)

    async def perform(self, job: ClaimedJob) -> Triage | Outcome:
        async with self.database.read_sessions() as read:
            ticket = await read.get(Ticket, uuid.UUID(job.payload["ticket_id"]))
            if ticket is None:
                return Done()
            tenant = await service.load_settings(read, job.tenant_id)
            prepared = await service.prepare(read, tenant, self.settings)
        text = TicketText(ticket.subject, ticket.description)
        try:
            triager = await asyncio.to_thread(service.local_triager, prepared)
            local = await asyncio.to_thread(triager.triage, text)
        except Exception as error:
            log.exception("triage_job_local_failed", job_id=job.id)
            return self._retry_or_fail(job, LOCAL_MAX_ATTEMPTS, f"local engine: {error}")
        if job.payload["engine"] != LLM_ENGINE or not self.settings.llm_base_url:
            return local
        try:
            return await self.llm.triage(
                text,
                tenant.categories,
                triager.matches(text, local.category),
                suggested_priority=local.suggested_priority,
            )
        except LlmError as error:
            if error.retryable and job.attempt < self.settings.llm_max_attempts:
                return self._retry_or_fail(job, self.settings.llm_max_attempts, str(error))
            log.warning("llm_triage_fell_back_to_local", job_id=job.id, reason=str(error))
            if job.payload["expect"]["category"] is not None:
                return Done()  # the inline local triage stands
            return replace(local, notes=[f"{error}; the local engine answered"])

    def _retry_or_fail(self, job: ClaimedJob, max_attempts: int, error: str) -> Outcome:
        if job.attempt >= max_attempts:
            return Fail(error)
        delay = jobs.backoff_delay(job.attempt, base=RETRY_BASE_SECONDS, cap=RETRY_MAX_SECONDS)
        return Retry(delay, error)

    async def record(self, session: AsyncSession, job: ClaimedJob, result: Triage) -> Outcome:
        ticket = await session.get(
            Ticket, uuid.UUID(job.payload["ticket_id"]), with_for_update=True
        )
        if ticket is None:
            return Done()
        expect = job.payload["expect"]
        if (ticket.category, ticket.ai_suggested_response) != (
            expect["category"],
            expect["ai_suggested_response"],
        ):
            log.info("triage_result_superseded", job_id=job.id, ticket_id=str(ticket.id))
            return Done()
        tenant = await service.load_settings(session, job.tenant_id)
        still_routable = job.payload["route"] and ticket.status == expect["status"]
        status = service.routed_status(tenant, result) if still_routable else None
        await apply(session, ticket, result, status)
        return Done()


async def apply(session: AsyncSession, ticket: Ticket, result: Triage, status: str | None) -> None:
    """Write a triage on a stored ticket, with its `ticket.triaged` event."""
    plan = service.follow_up(result, status)
    await tickets.change_ticket(
        session,
        ticket,
        plan.fields,
        actor=plan.actor,
        event_type=plan.event_type,
        extra=plan.extra,
        on_change=lambda changed_ticket, changed: providers.after_update(
            session, changed_ticket, changed
        ),
    )

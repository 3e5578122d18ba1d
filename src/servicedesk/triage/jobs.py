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
from sqlalchemy.orm import Session

from servicedesk.config import Settings
from servicedesk.db.database import Database
from servicedesk.jobs.service import Backoff, ClaimedJob, Done, Fail, Outcome, Retry
from servicedesk.logs import get_logger
from servicedesk.tickets.repository import TicketRepository
from servicedesk.tickets.service import TicketService
from servicedesk.triage import service, step
from servicedesk.triage.engine import LLM_ENGINE, TicketText, Triage
from servicedesk.triage.llm import LlmClient, LlmError
from servicedesk.users.service import DIRECTORY

log = get_logger(__name__)

LOCAL_MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 2.0
RETRY_MAX_SECONDS = 120.0


class TriageJobHandler:
    backoff = Backoff(RETRY_BASE_SECONDS, RETRY_MAX_SECONDS)

    def __init__(
        self,
        database: Database,
        settings: Settings,
        http: httpx.AsyncClient,
        tickets: TicketService,
    ) -> None:
        self.database = database
        self.settings = settings
        self.tickets = tickets
        self.llm = LlmClient(settings, http)

    async def perform(self, job: ClaimedJob) -> Triage | Outcome:
        ticket_id = uuid.UUID(job.payload["ticket_id"])

        def read(session: Session) -> tuple[TicketText, service.Prepared] | None:
            ticket = TicketRepository(session, job.tenant_id).get(ticket_id)
            if ticket is None:
                return None
            config = self.tickets.configs.current(session, job.tenant_id)
            text = TicketText(ticket.subject, ticket.description)
            return text, service.prepare(session, config, self.settings)

        found = await self.database.read(read)
        if found is None:
            return Done()
        text, prepared = found
        tenant = prepared.tenant
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
        return Retry(self.backoff.delay(job.attempt), error)

    def record(self, session: Session, job: ClaimedJob, result: Triage) -> Outcome:
        ticket = TicketRepository(session, job.tenant_id).get(
            uuid.UUID(job.payload["ticket_id"]), for_update=True
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
        config = self.tickets.configs.current(session, job.tenant_id)
        still_routable = job.payload["route"] and ticket.status == expect["status"]
        status = step.routed_status(config[service.TRIAGE], result) if still_routable else None
        group = step.routed_group(
            config[service.TRIAGE], config[DIRECTORY], result, ticket.group_id
        )
        plan = step.follow_up(result, status, group)
        self.tickets.change(
            session,
            config,
            ticket,
            plan.fields,
            actor=plan.actor,
            event_type=plan.event_type,
            extra=plan.extra,
        )
        return Done()

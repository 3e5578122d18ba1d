"""Triage in the create: `TriageStep`, the create step that triages a new ticket
inline (or queues `triage.run` for the worker), and the routing both apply: the status
and group a category sends a ticket to, and the follow-up that carries them."""

from __future__ import annotations

import time
import uuid
from typing import Any

from servicedesk import instruments
from servicedesk.config import Settings
from servicedesk.db.database import Database
from servicedesk.jobs.service import JobSpec
from servicedesk.tenant_config import TenantConfig
from servicedesk.tickets.drafts import FollowUp, NewTicket
from servicedesk.tickets.events import TicketEventType
from servicedesk.triage.engine import LLM_ENGINE, TicketText, Triage
from servicedesk.triage.service import (
    ACTOR,
    JOB_KIND,
    TRIAGE,
    Prepared,
    TenantTriage,
    needs_reading,
    prepare,
    triage_inline,
)
from servicedesk.users.service import DIRECTORY, Directory


def routed_group(
    tenant: TenantTriage, directory: Directory, triage: Triage, current: uuid.UUID | None
) -> uuid.UUID | None:
    """The group a ticket in none is routed to by its category, if the tenant routes
    that category (and the group still exists)."""
    if current is not None:
        return None
    group = tenant.group_for(triage.category)
    return group if group is not None and group in directory.groups else None


def routed_status(tenant: TenantTriage, triage: Triage | None) -> str | None:
    """The status auto-routing gives a new ticket, or None when it leaves it alone."""
    if not tenant.auto_routing or triage is None:
        return None
    if triage.category in tenant.never_auto_resolve or triage.suggested_response is None:
        return "pending_agent"
    return "ai_resolved" if triage.confidence >= tenant.threshold else "pending_agent"


def follow_up(triage: Triage, status: str | None, group: uuid.UUID | None = None) -> FollowUp:
    fields: dict[str, Any] = triage.ticket_fields()
    if status is not None:
        fields["status"] = status
    if group is not None:
        fields["group_id"] = group
    return FollowUp(TicketEventType.TRIAGED, ACTOR, fields, {"triage": triage.as_dict()})


def background_job(
    ticket_id: uuid.UUID, state: dict[str, Any], *, engine: str, route: bool
) -> JobSpec:
    """Triage the ticket in the worker: when the inline triage failed, or to refine it
    with the LLM. `expect` is what the ticket holds now; an agent's change meanwhile wins."""
    return JobSpec(
        JOB_KIND,
        f"triage:{ticket_id}",
        {
            "ticket_id": str(ticket_id),
            "engine": engine,
            "route": route,
            "expect": {
                "category": state.get("category"),
                "ai_suggested_response": state.get("ai_suggested_response"),
                "status": state["status"],
            },
        },
    )


class TriageStep:
    """The create step: triage the new ticket within its budget and route it; the
    worker triages it instead when the inline triage fails, or refines it (LLM)."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings

    def reaches_out(self, config: TenantConfig) -> bool:
        return False  # the local engine inline; an LLM only in the worker's job

    async def __call__(self, config: TenantConfig, draft: NewTicket) -> NewTicket:
        tenant = config[TRIAGE]
        prepared = await self.prepared(config)
        text = TicketText(draft.fields["subject"], draft.fields["description"])
        budget = self.settings.triage_inline_timeout_seconds
        started = time.perf_counter()
        triaged = await triage_inline(
            prepared, text, budget, loop_max_chars=self.settings.triage_loop_max_chars
        )
        if triaged is None:
            instruments.observe_triage("deferred", None)
        else:
            status = routed_status(tenant, triaged) if draft.route else None
            instruments.observe_triage(status or "not_routed", time.perf_counter() - started)
            group = routed_group(tenant, config[DIRECTORY], triaged, draft.state().get("group_id"))
            draft = draft.followed_by(follow_up(triaged, status, group))
        if triaged is None or tenant.engine == LLM_ENGINE:
            job = background_job(draft.id, draft.state(), engine=tenant.engine, route=draft.route)
            draft = draft.with_job(job)
        return draft

    async def prepared(self, config: TenantConfig) -> Prepared:
        if not needs_reading(config, self.settings):
            return Prepared(
                config[TRIAGE],
                config.version,
                None,
                None,
                self.settings.triage_knowledge_ttl_seconds,
            )
        return await self.database.read(lambda session: prepare(session, config, self.settings))

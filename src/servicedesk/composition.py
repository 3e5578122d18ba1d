"""How the packages are put together: the steps of a ticket's create, the subscribers of
every ticket change, the parts of a tenant's configuration, and the worker's handlers.

This is the one place that names them all. `servicedesk.tickets` runs the steps and
publishes to the subscribers without importing any of them.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

from servicedesk import registry  # noqa: F401 - every table and mapper known to this process
from servicedesk.config import Settings
from servicedesk.custom_fields.service import DEFINITIONS
from servicedesk.db.database import Database
from servicedesk.email.imap import ImapPollHandler
from servicedesk.email.outbound import JOB_KIND as EMAIL_JOB_KIND
from servicedesk.email.outbound import EmailSendHandler, MailQueue
from servicedesk.email.service import EMAIL, POLL_JOB_KIND
from servicedesk.events.service import record_ticket_events
from servicedesk.http import tls_context
from servicedesk.jobs.worker import JobHandler, Worker
from servicedesk.providers import service as providers
from servicedesk.providers.sync import ProviderSyncHandler
from servicedesk.retention import service as retention
from servicedesk.routing.round_robin import RoundRobinStep
from servicedesk.sla.clock import TIMER_JOB_KIND
from servicedesk.sla.jobs import SlaTimerHandler
from servicedesk.sla.service import POLICIES, sla_clock
from servicedesk.tenant_config import ConfigPart, TenantConfigs
from servicedesk.tickets.events import Subscriber
from servicedesk.tickets.field_values import REMOVE_VALUES_JOB_KIND
from servicedesk.tickets.jobs import CustomFieldValueRemoval
from servicedesk.tickets.service import TicketService
from servicedesk.triage import service as triage
from servicedesk.triage.feedback import RETRAIN_JOB_KIND, learn_from_overrides
from servicedesk.triage.jobs import TriageJobHandler
from servicedesk.triage.retraining import RetrainHandler
from servicedesk.triage.step import TriageStep
from servicedesk.users.service import DIRECTORY
from servicedesk.webhooks.delivery import WebhookDeliveryHandler
from servicedesk.webhooks.delivery import new_http_client as new_webhook_client
from servicedesk.webhooks.dispatch import ACTIVE_WEBHOOKS, deliver_ticket_events
from servicedesk.webhooks.repository import DELIVERY_JOB_KIND


def ticket_subscribers(settings: Settings) -> tuple[Subscriber, ...]:
    """Every change's events reach these, in this order, inside the change's
    transaction: the history rows first (webhook deliveries refer to them)."""
    return (
        record_ticket_events,  # events: the append-only rows history shows and webhooks send
        deliver_ticket_events,  # webhooks: a delivery per subscribed endpoint and event
        providers.mirror_changes,  # providers: the mirror's update, note or re-create
        learn_from_overrides,  # triage: agents' overrides become training examples
        MailQueue(settings),  # email: the requester's copy of replies and the AI's answer
    )


# What a process keeps of each tenant's configuration (servicedesk.tenant_config).
CONFIG_PARTS: tuple[ConfigPart[Any], ...] = (
    DEFINITIONS,
    providers.PROVIDER,
    triage.TRIAGE,
    ACTIVE_WEBHOOKS,
    DIRECTORY,
    POLICIES,
    EMAIL,
)

# Columns every change derives before it is written (servicedesk.tickets.derived).
TICKET_DERIVERS = (sla_clock,)  # sla: due times, pauses, breaches; timers queued


def ticket_service(
    database: Database, settings: Settings, provider_http: httpx.AsyncClient
) -> TicketService:
    """The tickets' one write path: validate → triage → assign → provider → derive →
    write → publish."""
    create_steps = (
        TriageStep(database, settings),
        RoundRobinStep(database),
        providers.MirrorStep(database, settings, provider_http),
    )
    return TicketService(
        database,
        TenantConfigs(CONFIG_PARTS),
        settings,
        create_steps=create_steps,
        subscribers=ticket_subscribers(settings),
        derivers=TICKET_DERIVERS,
    )


@contextlib.asynccontextmanager
async def running_worker(
    database: Database, settings: Settings, tickets: TicketService
) -> AsyncIterator[Worker]:
    """A Worker wired to every job kind's handler; their HTTP clients close when the
    block ends. Retention purges run beside it."""
    async with (
        new_webhook_client(settings) as webhook_client,
        providers.new_http_client(settings.provider_timeout_seconds) as provider_client,
        httpx.AsyncClient(verify=tls_context()) as llm_client,
        retention.purging(database, settings),
    ):
        provider_sync = ProviderSyncHandler(database, settings, provider_client, tickets)
        handlers: dict[str, JobHandler] = {
            DELIVERY_JOB_KIND: WebhookDeliveryHandler(database, settings, webhook_client),
            providers.CREATE_JOB_KIND: provider_sync,
            providers.UPDATE_JOB_KIND: provider_sync,
            providers.NOTE_JOB_KIND: provider_sync,
            triage.JOB_KIND: TriageJobHandler(database, settings, llm_client, tickets),
            RETRAIN_JOB_KIND: RetrainHandler(database),
            REMOVE_VALUES_JOB_KIND: CustomFieldValueRemoval(tickets),
            TIMER_JOB_KIND: SlaTimerHandler(tickets),
            EMAIL_JOB_KIND: EmailSendHandler(database, settings, tickets.blobs),
            POLL_JOB_KIND: ImapPollHandler(tickets, settings),
        }
        yield Worker(database, settings, handlers)


@contextlib.asynccontextmanager
async def assembled(settings: Settings) -> AsyncIterator[tuple[Database, TicketService]]:
    """A database and the ticket service on it, for a process that is not the API
    server (the worker, the CLI)."""
    database = Database(settings)
    try:
        async with providers.new_http_client(settings.provider_create_timeout_seconds) as http:
            yield database, ticket_service(database, settings, http)
    finally:
        await database.dispose()

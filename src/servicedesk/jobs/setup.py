"""The worker with every job handler of the application, ready to run."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx

from servicedesk.config import Settings
from servicedesk.db.session import Database
from servicedesk.http import tls_context
from servicedesk.jobs.worker import JobHandler, Worker
from servicedesk.providers import service as providers
from servicedesk.providers.service import new_http_client as new_provider_client
from servicedesk.providers.sync import ProviderSyncHandler
from servicedesk.triage import service as triage
from servicedesk.triage.jobs import TriageJobHandler
from servicedesk.webhooks.delivery import WebhookDeliveryHandler, new_http_client
from servicedesk.webhooks.repository import DELIVERY_JOB_KIND


@contextlib.asynccontextmanager
async def running_worker(database: Database, settings: Settings) -> AsyncIterator[Worker]:
    """A Worker wired to its handlers; their HTTP clients close when the block ends."""
    async with (
        new_http_client(settings) as webhook_client,
        new_provider_client(settings.provider_timeout_seconds) as provider_client,
        httpx.AsyncClient(verify=tls_context()) as llm_client,
    ):
        provider_sync = ProviderSyncHandler(database, settings, provider_client)
        handlers: dict[str, JobHandler] = {
            DELIVERY_JOB_KIND: WebhookDeliveryHandler(database, settings, webhook_client),
            providers.CREATE_JOB_KIND: provider_sync,
            providers.UPDATE_JOB_KIND: provider_sync,
            providers.NOTE_JOB_KIND: provider_sync,
            triage.JOB_KIND: TriageJobHandler(database, settings, llm_client),
        }
        yield Worker(database, settings, handlers)

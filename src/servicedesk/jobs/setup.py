"""The worker with every job handler of the application, ready to run."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from servicedesk.config import Settings
from servicedesk.db.session import Database
from servicedesk.jobs.worker import Worker
from servicedesk.webhooks.delivery import WebhookDeliveryHandler, new_http_client
from servicedesk.webhooks.repository import DELIVERY_JOB_KIND


@contextlib.asynccontextmanager
async def running_worker(database: Database, settings: Settings) -> AsyncIterator[Worker]:
    """A Worker wired to its handlers; their HTTP clients close when the block ends."""
    async with new_http_client(settings) as webhook_client:
        handlers = {DELIVERY_JOB_KIND: WebhookDeliveryHandler(database, settings, webhook_client)}
        yield Worker(database, settings, handlers)

"""What every part of the ticket service shares: the database, the tenants'
configuration, the create's steps, the subscribers and derivers, the blob store.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from servicedesk.config import Settings
from servicedesk.db.database import Database
from servicedesk.db.rows import PendingRows
from servicedesk.storage.blobs import BlobStore, LocalBlobStore
from servicedesk.tenant_config import TenantConfig, TenantConfigs
from servicedesk.tickets.derived import Deriver
from servicedesk.tickets.drafts import CreateStep
from servicedesk.tickets.events import (
    Subscriber,
)
from servicedesk.tickets.repository import (
    Count,
    TicketFilters,
)
from servicedesk.ttl_cache import TtlCache

# An estimated total is remembered this long per (tenant, filters) in each process: the
# next pages and refreshes skip the capped count and the EXPLAIN (two of a list's three
# statements). The planner's estimate itself only moves when ANALYZE runs, and a set of
# more than 10,000 tickets does not fall under the limit in seconds.
ESTIMATED_TOTAL_SECONDS = 5.0

# Writes a caller's own rows in a change's transaction: (session, rows, the document the
# change made: the ticket of a create, the note of a note).
Recorder = Callable[[Session, PendingRows, dict[str, Any]], None]


class ServiceCore:
    def __init__(
        self,
        database: Database,
        configs: TenantConfigs,
        settings: Settings,
        *,
        create_steps: Sequence[CreateStep],
        subscribers: Sequence[Subscriber],
        derivers: Sequence[Deriver] = (),
        blobs: BlobStore | None = None,
    ) -> None:
        self.database = database
        self.blobs = blobs or LocalBlobStore(settings.attachments_dir)
        self.configs = configs
        self.settings = settings
        self.create_steps = tuple(create_steps)
        self.subscribers = tuple(subscribers)
        self.derivers = tuple(derivers)
        self._estimated_totals: TtlCache[tuple[uuid.UUID, TicketFilters], Count] = TtlCache(
            ESTIMATED_TOTAL_SECONDS
        )

    async def config_of(self, tenant_id: uuid.UUID) -> TenantConfig:
        """The tenant's configuration as of now (one indexed read when it is unchanged)."""
        return await self.database.lookup(partial(self.configs.current, tenant_id=tenant_id))

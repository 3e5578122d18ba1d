"""Counting requests against the per-key and per-tenant budgets.

Memory storage counts per process; with SERVICEDESK_REDIS_URL every process shares one
budget. If Redis cannot be reached the request is let through and a warning logged:
an outage of the limiter must not become an outage of the API.
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string

from servicedesk.config import Settings
from servicedesk.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Budget:
    """Where a caller stands against one limit."""

    item: RateLimitItem
    remaining: int
    reset_at: float

    @property
    def reset_in(self) -> int:
        return max(0, math.ceil(self.reset_at - time.time()))

    def headers(self) -> dict[str, str]:
        window = self.item.get_expiry()
        return {
            "RateLimit-Limit": str(self.item.amount),
            "RateLimit-Remaining": str(max(0, self.remaining)),
            "RateLimit-Reset": str(self.reset_in),
            "RateLimit-Policy": f"{self.item.amount};w={window}",
        }


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    budget: Budget | None

    @property
    def retry_after(self) -> int:
        return max(1, self.budget.reset_in) if self.budget else 1


class RateLimiter:
    """Two budgets per API request, the key's and its tenant's; one per inbound
    provider URL, by its token."""

    def __init__(self, settings: Settings) -> None:
        self.per_key = parse(settings.rate_limit_per_key)
        self.per_tenant = parse(settings.rate_limit_per_tenant)
        self.per_inbound = parse(settings.rate_limit_inbound)
        self.storage = shared_storage(settings.redis_url, "servicedesk-ratelimit")
        self.strategy = SlidingWindowCounterRateLimiter(self.storage)

    async def check(self, key_id: str, tenant_id: uuid.UUID) -> Decision:
        """Spend one request of the key's budget and one of its tenant's."""
        return await self._check_safely(
            (self.per_key, ("key", key_id)),
            (self.per_tenant, ("tenant", str(tenant_id))),
        )

    async def check_inbound(self, token: str) -> Decision:
        return await self._check_safely((self.per_inbound, ("inbound", token)))

    async def _check_safely(self, *limits: tuple[RateLimitItem, tuple[str, ...]]) -> Decision:
        try:
            return await self._check(limits)
        except Exception as error:
            log.warning("rate_limiter_unavailable", error=type(error).__name__)
            return Decision(allowed=True, budget=None)

    async def _check(self, limits: tuple[tuple[RateLimitItem, tuple[str, ...]], ...]) -> Decision:
        tightest: Budget | None = None
        for item, identifiers in limits:
            allowed = await self.strategy.hit(item, *identifiers)
            stats = await self.strategy.get_window_stats(item, *identifiers)
            budget = Budget(item, stats.remaining, stats.reset_time)
            if not allowed:
                return Decision(allowed=False, budget=budget)
            if tightest is None or budget.remaining < tightest.remaining:
                tightest = budget
        return Decision(allowed=True, budget=tightest)


def shared_storage(redis_url: str | None, key_prefix: str) -> Storage:
    """Counters in Redis, shared by every process; in this process's memory without."""
    if not redis_url:
        return MemoryStorage()
    uri = redis_url if redis_url.startswith("async+") else "async+" + redis_url
    storage = storage_from_string(uri, key_prefix=key_prefix)
    assert isinstance(storage, Storage)
    return storage

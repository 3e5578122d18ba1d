"""With Redis, two server processes count one budget per key."""

from __future__ import annotations

import httpx

from servicedesk.config import Settings
from servicedesk.db.database import Database
from tests import live_server
from tests.conftest import redis_or_skip


def test_two_processes_share_one_budget_through_redis(
    settings: Settings, database: Database
) -> None:
    env = live_server.server_env(
        settings,
        SERVICEDESK_REDIS_URL=redis_or_skip(),
        SERVICEDESK_RATE_LIMIT_PER_KEY="10/minute",
    )
    key = live_server.create_key(env, "limited", "tickets:read")

    with live_server.running(env) as first, live_server.running(env) as second:
        statuses = [
            httpx.get(f"{server.base_url}/api/v1/tickets", headers={"X-API-Key": key}).status_code
            for _ in range(8)
            for server in (first, second)
        ]

    assert statuses.count(200) == 10
    assert statuses.count(429) == 6

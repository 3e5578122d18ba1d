"""Load many tickets for one tenant (and a few for others) by bulk insert.

    python bench/seed.py --tickets 1000000 [--database-url postgresql://...] [--data-dir D]

Prints the tenant's API key on the last line. PostgreSQL uses COPY; SQLite, batched
executemany in one transaction. Ticket times spread over the last year, in arrival order.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.auth.models import Tenant
from servicedesk.auth.scopes import Scope
from servicedesk.config import Settings
from servicedesk.db import migrate
from servicedesk.db.database import Database
from servicedesk.tickets.models import Ticket
from servicedesk.triage.starter import examples

STATUSES = ["open"] * 4 + [
    "pending",
    "resolved",
    "closed",
    "closed",
    "ai_resolved",
    "pending_agent",
]
PRIORITIES = ["low", "medium", "high", "urgent", None]
# Varied wording (the starter examples, as subject and as description) so that full-text
# search meets a realistic spread: a common word is in a few percent of tickets.
TEXTS = [example.text for example in examples()]
BATCH = 20_000
COLUMNS = [
    "id", "tenant_id", "subject", "description", "status", "priority", "requester_email",
    "metadata", "created_at", "updated_at",
]  # fmt: skip


YEAR_SECONDS = 365 * 24 * 3600


def ticket_rows(
    tenant_id: uuid.UUID, count: int, rng: random.Random, *, first: int, total: int
) -> list[dict[str, Any]]:
    """Rows `first`… of `total`, spread over the last year in arrival order, as a real
    table fills (so the heap's order follows created_at, as it does in use)."""
    year_ago = datetime.now(UTC) - timedelta(seconds=YEAR_SECONDS)
    rows = []
    for index in range(first, first + count):
        created = year_ago + timedelta(seconds=(index + rng.random()) * YEAR_SECONDS / total)
        rows.append(
            {
                "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "tenant_id": tenant_id,
                "subject": rng.choice(TEXTS)[:255],
                "description": f"{rng.choice(TEXTS)} {rng.choice(TEXTS)}",
                "status": rng.choice(STATUSES),
                "priority": rng.choice(PRIORITIES),
                "requester_email": f"user{rng.randrange(5000)}@example.com",
                "metadata_": {},
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


async def copy_into_postgres(database: Database, rows: list[dict[str, Any]]) -> None:
    engine = database.engine
    assert isinstance(engine, AsyncEngine)
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        records = [
            (
                r["id"], r["tenant_id"], r["subject"], r["description"], r["status"],
                r["priority"], r["requester_email"], "{}", r["created_at"], r["updated_at"],
            )
            for r in rows
        ]  # fmt: skip
        await driver.copy_records_to_table("tickets", records=records, columns=COLUMNS)


async def insert_into_sqlite(database: Database, rows: list[dict[str, Any]]) -> None:
    await database.write(lambda session: session.execute(insert(Ticket), rows))


async def seed(settings: Settings, tickets: int, tenant: str, others: int) -> str:
    database = Database(settings)
    rng = random.Random(tenant)
    try:

        def tenants(session: Session) -> tuple[str, Tenant, list[Tenant]]:
            owner = auth.get_or_create_tenant(session, tenant)
            _, key = auth.create_api_key(session, owner, list(Scope), name="bench")
            neighbours = [
                auth.get_or_create_tenant(session, f"{tenant}-other-{i}") for i in range(2)
            ]
            return key, owner, neighbours

        key, owner, neighbours = await database.write(tenants)
        load = copy_into_postgres if not settings.is_sqlite else insert_into_sqlite
        started = time.perf_counter()
        for target, count in [(owner, tickets), *((n, others) for n in neighbours)]:
            for start in range(0, count, BATCH):
                rows = ticket_rows(
                    target.id, min(BATCH, count - start), rng, first=start, total=count
                )
                await load(database, rows)
        if isinstance(database.engine, AsyncEngine):
            async with database.engine.connect() as connection:
                await connection.exec_driver_sql("COMMIT")
                await connection.exec_driver_sql("VACUUM ANALYZE tickets")
        elapsed = time.perf_counter() - started
        print(f"seeded {tickets:,} tickets (+{2 * others:,} for neighbours) in {elapsed:.1f}s")
        return key
    finally:
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--others", type=int, default=10_000, help="tickets per neighbour")
    parser.add_argument("--tenant", default="bench")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--data-dir", type=Path, default=Path("bench/results/data"))
    args = parser.parse_args()
    settings = Settings(database_url=args.database_url, data_dir=args.data_dir)
    migrate.upgrade(settings)
    print(asyncio.run(seed(settings, args.tickets, args.tenant, args.others)))


if __name__ == "__main__":
    main()

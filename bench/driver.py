"""What one statement costs through SQLAlchemy's asyncio layer, against asyncpg alone.

    python bench/driver.py --database-url postgresql://... [--requests 2000]

One request at a time, in one process, on a database seeded with bench/seed.py: the
time of `Database.ping` (the `SELECT 1` behind /readyz) and of a ticket read by its id
the way `TicketService.get` reads it (`TicketRepository.row`, then the document), next
to the same two statements sent by asyncpg on a connection of its own (the ticket's
SQL compiled by SQLAlchemy, JSON decoded by the same function, the document made by the
same code: the answers are checked equal), and to asyncpg on a connection checked out
of SQLAlchemy's pool. Prints p50 and mean per path and what the layer adds.

Not a timed test: the numbers say where a lookup's time goes (docs/performance.md).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pydantic_core
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from servicedesk.config import Settings
from servicedesk.db.database import Database
from servicedesk.tickets.repository import _BY_ID, TicketRepository
from servicedesk.tickets.service import row_document

SERVER_SETTINGS = {"plan_cache_mode": "force_custom_plan"}


async def timed(requests: int, call: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    """(p50, mean) in milliseconds of `requests` calls one after another."""
    for _ in range(min(200, requests)):
        await call()  # warm: prepared statements, the pool
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    times.sort()
    return times[len(times) // 2] * 1000, statistics.mean(times) * 1000


async def own_connection(url: str) -> asyncpg.Connection:
    connection = await asyncpg.connect(url, server_settings=SERVER_SETTINGS)
    await connection.set_type_codec(
        "jsonb", encoder=str, decoder=pydantic_core.from_json, schema="pg_catalog"
    )
    return connection


async def run(url: str, requests: int) -> None:
    database = Database(Settings(database_url=url))
    connection = await own_connection(url)
    try:
        tenant_id, ticket_id = await connection.fetchrow(
            "SELECT tenant_id, id FROM tickets ORDER BY created_at DESC LIMIT 1"
        )
        ticket_sql = str(
            _BY_ID.compile(dialect=asyncpg_dialect.dialect(paramstyle="numeric_dollar"))
        )

        def read(session: Session) -> dict[str, Any]:
            row = TicketRepository(session, tenant_id).row(ticket_id)
            assert row is not None
            return row_document(row)

        async def sqlalchemy_get() -> dict[str, Any]:
            return await database.lookup(read)

        async def asyncpg_get() -> dict[str, Any]:
            row = await connection.fetchrow(ticket_sql, tenant_id, ticket_id)
            return row_document(dict(row.items()))

        engine = database.engine
        assert isinstance(engine, AsyncEngine)

        async def pooled_select_1() -> None:
            async with engine.connect() as pooled:
                driver = (await pooled.get_raw_connection()).driver_connection
                await driver.fetchval("SELECT 1")

        assert await sqlalchemy_get() == await asyncpg_get(), "the two reads differ"
        paths: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
            ("SELECT 1: Database.ping", database.ping),
            ("SELECT 1: asyncpg, own connection", lambda: connection.fetchval("SELECT 1")),
            ("SELECT 1: asyncpg, SQLAlchemy's pool", pooled_select_1),
            ("ticket by id: Database.lookup", sqlalchemy_get),
            ("ticket by id: asyncpg, own connection", asyncpg_get),
        ]
        results = {name: await timed(requests, call) for name, call in paths}
    finally:
        await connection.close()
        await database.dispose()

    print(f"{'path':40} {'p50 ms':>8} {'mean ms':>8}")
    for name, (p50, mean) in results.items():
        print(f"{name:40} {p50:8.3f} {mean:8.3f}")
    for what, layered, bare in (
        ("SELECT 1", "SELECT 1: Database.ping", "SELECT 1: asyncpg, own connection"),
        ("ticket by id", "ticket by id: Database.lookup", "ticket by id: asyncpg, own connection"),
    ):
        added = results[layered][0] - results[bare][0]
        ratio = results[layered][0] / results[bare][0]
        print(f"{what}: SQLAlchemy's layer adds {added:.3f} ms (p50 {ratio:.1f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="postgresql://...")
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        raise SystemExit("PostgreSQL only: SQLite runs in the process, there is no driver hop")
    asyncio.run(run(args.database_url, args.requests))


if __name__ == "__main__":
    main()

"""What one statement costs through SQLAlchemy's asyncio layer, against asyncpg alone.

    python bench/driver.py --database-url postgresql://... [--requests 2000]

One request at a time, in one process, on a database seeded with bench/seed.py: the
time of `Database.ping` (the `SELECT 1` behind /readyz), of a ticket read by its id
the way `TicketService.get` reads it (`TicketRepository.row`, then the document) and of
a list's first page (`TicketRepository.list_page`, then the 20 documents), next to the
same statements sent by asyncpg on a connection of its own (the SQL compiled by
SQLAlchemy, JSON decoded by the same function, the documents made by the same code: the
answers are checked equal), and to asyncpg on a connection checked out of SQLAlchemy's
pool. Prints p50 and mean per path and what the layer adds.

Not a timed test: the numbers say where a lookup's time goes (docs/performance.md).
"""

from __future__ import annotations

import argparse
import asyncio
import re
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
from servicedesk.tickets.documents import row_document
from servicedesk.tickets.filters import TicketFilters
from servicedesk.tickets.repository import _BY_ID, TicketRepository, _newest_page

SERVER_SETTINGS = {"plan_cache_mode": "force_custom_plan"}
PAGE = 20  # a list's default page


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

        page_sql = str(
            _newest_page(False, False, False, False).compile(
                dialect=asyncpg_dialect.dialect(paramstyle="pyformat")
            )
        )
        # The page's parameters in the order their names first appear in the SQL.
        page_names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", page_sql)))
        for number, name in enumerate(page_names, start=1):
            page_sql = page_sql.replace(f"%({name})s", f"${number}")
        page_values = {"tenant_id": tenant_id, "limit": PAGE, "offset": 0}

        def read_page(session: Session) -> list[dict[str, Any]]:
            rows = TicketRepository(session, tenant_id).list_page(TicketFilters(), limit=PAGE)
            return [row_document(row) for row in rows]

        async def sqlalchemy_page() -> list[dict[str, Any]]:
            return await database.lookup(read_page)

        async def asyncpg_page() -> list[dict[str, Any]]:
            rows = await connection.fetch(page_sql, *(page_values[n] for n in page_names))
            return [row_document(dict(row.items())) for row in rows]

        engine = database.engine
        assert isinstance(engine, AsyncEngine)

        async def pooled_select_1() -> None:
            async with engine.connect() as pooled:
                driver = (await pooled.get_raw_connection()).driver_connection
                await driver.fetchval("SELECT 1")

        assert await sqlalchemy_get() == await asyncpg_get(), "the two reads differ"
        assert await sqlalchemy_page() == await asyncpg_page(), "the two pages differ"
        paths: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
            ("SELECT 1: Database.ping", database.ping),
            ("SELECT 1: asyncpg, own connection", lambda: connection.fetchval("SELECT 1")),
            ("SELECT 1: asyncpg, SQLAlchemy's pool", pooled_select_1),
            ("ticket by id: Database.lookup", sqlalchemy_get),
            ("ticket by id: asyncpg, own connection", asyncpg_get),
            (f"first page of {PAGE}: Database.lookup", sqlalchemy_page),
            (f"first page of {PAGE}: asyncpg, own conn.", asyncpg_page),
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
        (
            "first page",
            f"first page of {PAGE}: Database.lookup",
            f"first page of {PAGE}: asyncpg, own conn.",
        ),
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

"""The database handle of a running app and the per-request session dependencies.

Services never commit: the request's session commits once, after the endpoint returns,
and rolls back on any error, so a failed request writes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from servicedesk.config import Settings
from servicedesk.db import models  # noqa: F401 - every mapper known to every session
from servicedesk.db.engine import SQLITE_BEGIN_OPTION, create_engine

# The session.info flag servicedesk.jobs sets when it enqueues (kept here: jobs imports us).
ENQUEUED_FLAG = "outbox_enqueued"


class Database:
    """One engine and its two session factories: read-only work and writes."""

    def __init__(self, settings: Settings) -> None:
        self.engine: AsyncEngine = create_engine(settings)
        # Set after a commit that enqueued outbox jobs, so this process's worker starts
        # on them at once instead of at its next poll.
        self.jobs_enqueued = asyncio.Event()
        self.read_sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        writer = self.engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        self.write_sessions = async_sessionmaker(writer, expire_on_commit=False)
        # Reads of a request (the API key, then what the endpoint reads) need no
        # transaction: on PostgreSQL, autocommit saves a BEGIN and a ROLLBACK round trip
        # each. A read endpoint's statements then each see the latest commit (a page and
        # its total may straddle a write), which no read here depends on. Never for a
        # write: each statement would commit on its own.
        self.lookup_sessions = (
            self.read_sessions
            if settings.is_sqlite
            else async_sessionmaker(
                self.engine.execution_options(isolation_level="AUTOCOMMIT"),
                expire_on_commit=False,
            )
        )

    async def ping(self) -> None:
        """One `SELECT 1` (in autocommit on PostgreSQL: one round trip, no BEGIN)."""
        async with self.lookup_sessions() as session:
            await session.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def _read_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_database(request).lookup_sessions() as session:
        yield session


async def _write_session(request: Request) -> AsyncIterator[AsyncSession]:
    database = get_database(request)
    async with database.write_sessions() as session:
        async with session.begin():
            yield session
        if session.info.pop(ENQUEUED_FLAG, False):
            database.jobs_enqueued.set()


# scope="function": the session commits when the endpoint returns, before the response
# is sent, so a client is never told of a write that did not commit.
ReadSession = Annotated[AsyncSession, Depends(_read_session, scope="function")]
WriteSession = Annotated[AsyncSession, Depends(_write_session, scope="function")]
DatabaseDep = Annotated[Database, Depends(get_database)]

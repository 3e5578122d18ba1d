"""The database of a running app, as a FastAPI dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from servicedesk.db.database import Database


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def _database(request: Request) -> Database:
    # async: FastAPI runs a plain function dependency in a thread (a hop per request).
    return get_database(request)


DatabaseDep = Annotated[Database, Depends(_database)]

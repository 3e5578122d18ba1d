"""A change of a tenant's configuration moves its version in the same transaction
(`servicedesk.tenant_config.bump`): every process reloads on the next request, none
serves a configuration older than the last commit.

Held for every route of the API, not route by route: the tables the configuration is
read from are found by running the configuration's loaders, every statement each call
runs is watched on the engine, and a transaction that wrote to one of those tables
must also have updated `tenants.config_version`. A new configuration table, or a new
route writing one, is covered without an entry here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from servicedesk.auth.repository import get_tenant_by_name
from servicedesk.composition import CONFIG_PARTS
from servicedesk.db.database import Database
from servicedesk.registry import Base
from servicedesk.tenant_config import TenantConfigs
from tests.conftest import KeyFactory
from tests.test_route_matrices import (  # noqa: F401 - fixtures
    ENDPOINTS,
    Endpoint,
    World,
    call,
    settings,
    world,
)

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_BUMP = re.compile(r'^\s*UPDATE\s+"?tenants"?\s+SET\s+config_version', re.IGNORECASE)
_SET = re.compile(r"\bSET\s+(.*?)(?:\s+WHERE\b|$)", re.IGNORECASE | re.DOTALL)
# Columns of configuration tables that no configuration part carries: changing only
# these changes nothing a process keeps, so it need not move the version.
NOT_CARRIED = {
    # Signing secrets are read per delivery (the part is the endpoints and their events).
    "webhooks": {"secret_encrypted", "previous_secret_encrypted", "previous_secret_expires_at"},
    # The inbound secret is checked per inbound call; the breaker's state is read by the
    # sync job itself (the part is the account the mirror calls).
    "provider_configs": {"inbound_secret_hash", "consecutive_failures", "paused_until"},
}
ALWAYS_MOVING = {"updated_at"}
_TABLES = sorted(Base.metadata.tables, key=len, reverse=True)


def tables_read(statement: str) -> set[str]:
    return {
        name
        for name in _TABLES
        if re.search(rf'\b(?:FROM|JOIN)\s+"?{name}"?\b', statement, re.IGNORECASE)
    }


class Transactions:
    """The statements of each committed transaction on an engine, savepoints that were
    rolled back (a failed unit of SQLite's batched writer) left out."""

    def __init__(self) -> None:
        self.open: dict[int, list[str]] = {}
        self.marks: dict[int, list[int]] = {}
        self.committed: list[list[str]] = []

    def statement(self, connection: Connection, statement: str) -> None:
        self.open.setdefault(id(connection), []).append(statement)

    def savepoint(self, connection: Connection) -> None:
        self.marks.setdefault(id(connection), []).append(len(self.open.get(id(connection), [])))

    def release(self, connection: Connection) -> None:
        if self.marks.get(id(connection)):
            self.marks[id(connection)].pop()

    def rollback_savepoint(self, connection: Connection) -> None:
        if self.marks.get(id(connection)):
            kept = self.marks[id(connection)].pop()
            del self.open.setdefault(id(connection), [])[kept:]

    def commit(self, connection: Connection) -> None:
        statements = self.open.pop(id(connection), [])
        if statements:
            self.committed.append(statements)
        self.marks.pop(id(connection), None)

    def rollback(self, connection: Connection) -> None:
        self.open.pop(id(connection), None)
        self.marks.pop(id(connection), None)


@contextmanager
def watched(database: Database) -> Iterator[Transactions]:
    engine = database.engine
    sync: Engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    seen = Transactions()

    def before_execute(connection: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        seen.statement(connection, statement)

    listeners: list[tuple[str, Any]] = [
        ("before_cursor_execute", before_execute),
        ("savepoint", lambda connection, _name: seen.savepoint(connection)),
        ("release_savepoint", lambda connection, _name, _ctx: seen.release(connection)),
        (
            "rollback_savepoint",
            lambda connection, _name, _ctx: seen.rollback_savepoint(connection),
        ),
        ("commit", seen.commit),
        ("rollback", seen.rollback),
    ]
    for name, listener in listeners:
        event.listen(sync, name, listener)
    try:
        yield seen
    finally:
        for name, listener in listeners:
            event.remove(sync, name, listener)


async def configuration_tables(database: Database, tenant: str) -> set[str]:
    """The tables a tenant's configuration is loaded from (its version's aside)."""
    found = await database.read(lambda session: get_tenant_by_name(session, tenant))
    assert found is not None
    configs = TenantConfigs(CONFIG_PARTS)
    with watched(database) as seen:
        await database.write(lambda session: configs.current(session, found.id))
    read = {table for statements in seen.committed for s in statements for table in tables_read(s)}
    return read - {"tenants"}


def configuration_written(statement: str, config_tables: set[str]) -> str | None:
    """The configuration table `statement` changes, if it changes one (an UPDATE of
    only NOT_CARRIED columns does not)."""
    found = _WRITE.match(statement)
    if found is None or found.group(1) not in config_tables:
        return None
    table = found.group(1)
    assignments = (
        _SET.search(statement) if statement.lstrip().upper().startswith("UPDATE") else None
    )
    if assignments is not None:
        columns = {
            part.split("=")[0].strip().strip('"') for part in assignments.group(1).split(",")
        }
        if columns - ALWAYS_MOVING <= NOT_CARRIED.get(table, set()):
            return None
    return table


def unbumped_config_writes(transactions: list[list[str]], config_tables: set[str]) -> list[str]:
    problems = []
    for statements in transactions:
        written = {t for s in statements if (t := configuration_written(s, config_tables))}
        if written & config_tables and not any(_BUMP.match(s) for s in statements):
            problems.append(f"wrote {sorted(written & config_tables)} without a bump")
    return problems


def test_the_check_sees_a_write_without_a_bump() -> None:
    written = ["INSERT INTO webhooks (id) VALUES (?)"]
    bumped = [*written, "UPDATE tenants SET config_version=(tenants.config_version + ?)"]

    assert unbumped_config_writes([written], {"webhooks"}) == ["wrote ['webhooks'] without a bump"]
    assert unbumped_config_writes([bumped], {"webhooks"}) == []
    assert unbumped_config_writes([['UPDATE "tickets" SET x=1']], {"webhooks"}) == []
    rotated = "UPDATE webhooks SET secret_encrypted=?, updated_at=? WHERE webhooks.id = ?"
    assert unbumped_config_writes([[rotated]], {"webhooks"}) == []
    renamed = "UPDATE webhooks SET events=?, updated_at=? WHERE webhooks.id = ?"
    assert unbumped_config_writes([[renamed]], {"webhooks"}) == [
        "wrote ['webhooks'] without a bump"
    ]


def walk_order(endpoint: Endpoint) -> tuple[bool, str]:
    # Deletions last: what they remove, the other calls still find.
    return endpoint.method == "DELETE", endpoint.label


async def test_every_configuration_change_moves_the_tenants_version(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_key: KeyFactory,
    world: World,  # noqa: F811 - the fixture
) -> None:
    database: Database = app.state.database  # the server's own: its engine is watched
    config_tables = await configuration_tables(database, "acme")
    key = await make_key()
    changed_config = []
    problems = []

    for endpoint in sorted(ENDPOINTS, key=walk_order):
        with watched(database) as seen:
            response = await call(client, endpoint, world, key)
        assert response.status_code < 500, (endpoint.label, response.text)
        if any(
            configuration_written(s, config_tables)
            for statements in seen.committed
            for s in statements
        ):
            changed_config.append(endpoint.label)
        unbumped = unbumped_config_writes(seen.committed, config_tables)
        problems += [f"{endpoint.label}: {problem}" for problem in unbumped]

    assert {"custom_field_definitions", "webhooks", "provider_configs"} <= config_tables
    # The walk reached the configuration routes (the check above is not vacuous).
    assert "POST /api/v1/custom-fields" in changed_config
    assert "PUT /api/v1/configuration/triage" in changed_config
    assert not problems, problems

"""Shared fixtures: a migrated database per backend, the app, a client and key factories.

Every test that takes `client` (or `database`) runs once on SQLite and once on
PostgreSQL. PostgreSQL comes from SERVICEDESK_TEST_POSTGRES_URL; without it those runs
are skipped on a developer's machine and fail under CI, so a missing server is never a
silent pass there.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, make_url, select, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import Session

from servicedesk.app import create_app
from servicedesk.auth import service as auth
from servicedesk.auth.scopes import Scope
from servicedesk.composition import running_worker, ticket_service
from servicedesk.config import Settings, driver_database_url
from servicedesk.db import migrate
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.jobs.models import JobState, OutboxJob
from servicedesk.jobs.worker import Worker
from servicedesk.providers.service import new_http_client as new_provider_client
from servicedesk.triage.starter import starter_models
from servicedesk.users import service as users
from tests.fakes.webhook_receiver import WebhookReceiver

POSTGRES_URL = os.environ.get("SERVICEDESK_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("SERVICEDESK_TEST_REDIS_URL")
TABLES = (
    "webhook_attempts",
    "webhook_deliveries",
    "webhooks",
    "outbox_jobs",
    "provider_configs",
    "events",
    "idempotency_records",
    "ticket_attachments",
    "ticket_notes",
    "triage_feedback",
    "triage_models",
    "triage_settings",
    "kb_articles",
    "custom_field_definitions",
    "tickets",
    "console_sessions",
    "email_set_aside",
    "group_members",
    "groups",
    "users",
    "api_keys",
    "tenants",
)
ALL_SCOPES = tuple(Scope)

KeyFactory = Callable[..., Awaitable[str]]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """End-to-end tests (real processes, seconds to minutes each) run first: the quick
    ones then fill the other workers' time around them, instead of one long test
    running alone at the end of the run."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is None)


def _service_url_or_skip(url: str | None, variable: str) -> str:
    """The URL of a server a test needs: skipped on a developer's machine without one,
    a failure under CI, so a missing server is never a silent pass there."""
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"{variable} is not set under CI")
    pytest.skip(f"{variable} not set")


def _postgres_or_skip() -> str:
    return _service_url_or_skip(POSTGRES_URL, "SERVICEDESK_TEST_POSTGRES_URL")


def redis_or_skip() -> str:
    return _service_url_or_skip(REDIS_URL, "SERVICEDESK_TEST_REDIS_URL")


@pytest.fixture(scope="session", autouse=True)
def starter_loaded() -> None:
    """Each test's app is a server that a load balancer already finds ready (`/readyz`):
    its starter model loaded. `tests/test_startup.py` covers the moments before."""
    starter_models()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    data_dir = tmp_path_factory.mktemp("sqlite-template")
    migrate.upgrade(Settings(data_dir=data_dir, environment="test"))
    return data_dir / "servicedesk.db"


@pytest.fixture(scope="session")
def postgres_migrated() -> Iterator[str]:
    """The migrated PostgreSQL database of this test process. Under pytest-xdist each
    worker of each run gets its own (`<database>_gw0_<run>`), made for the run and
    dropped after it: two runs at once on one server never share a database (they did,
    and one run's set-up emptied the other's tables)."""
    url = _postgres_or_skip()
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8]
    if not worker:
        migrate.upgrade(Settings(database_url=url, environment="test"))
        yield url
        return
    own = asyncio.run(_database_statement(url, f"{worker}_{run}", "CREATE"))
    try:
        migrate.upgrade(Settings(database_url=own, environment="test"))
        yield own
    finally:
        asyncio.run(_database_statement(url, f"{worker}_{run}", "DROP"))


async def _database_statement(base_url: str, suffix: str, verb: str) -> str:
    """CREATE or DROP the database `<base>_<suffix>`; returns its URL."""
    base = make_url(driver_database_url(base_url))
    name = f"{base.database}_{suffix}"
    statement = (
        f'CREATE DATABASE "{name}"'
        if verb == "CREATE"
        else f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )
    engine = create_async_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    base_url = _postgres_or_skip()
    suffix = f"empty_{uuid.uuid4().hex[:8]}"
    url = asyncio.run(_database_statement(base_url, suffix, "CREATE"))
    try:
        yield url
    finally:
        asyncio.run(_database_statement(base_url, suffix, "DROP"))


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# The product refuses a write that waited 5 s for its turn (a 503 a client retries).
# A busy CI machine can stall one test's commit that long with no burst at all, so
# tests wait longer; tests/db/test_writes.py sets a short limit to test the refusal.
TEST_WRITE_QUEUE_TIMEOUT_SECONDS = 60.0


@pytest.fixture
def settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    common: dict[str, Any] = {
        "data_dir": tmp_path,
        "environment": "test",
        "log_format": "console",
        "write_queue_timeout_seconds": TEST_WRITE_QUEUE_TIMEOUT_SECONDS,
        # Likewise PostgreSQL's guard of 10 s: a checkpoint syncing tens of thousands of
        # files on a loaded CI machine once held a key INSERT and a connection's first
        # `show` past it. No test tests the guard itself.
        "postgres_statement_timeout_ms": 60_000,
        # A test's app or server that stops with a job still running (a slow fake) should
        # not wait the product's 10 s for it; the grace itself is tested in tests/jobs.
        "worker_stop_grace_seconds": 2.0,
    }
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copy(template, tmp_path / "servicedesk.db")
        return Settings(**common)
    url: str = request.getfixturevalue("postgres_migrated")
    # data_dir still matters on PostgreSQL: the generated secret key lives there.
    return Settings(database_url=url, **common)


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings)
    try:
        yield database
    finally:
        if not settings.is_sqlite:
            await database.write(
                lambda session: session.execute(text(f"TRUNCATE {', '.join(TABLES)} CASCADE"))
            )
        await database.dispose()


@pytest.fixture
async def app(settings: Settings, database: Database) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


ClientFactory = Callable[..., contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def client_with(settings: Settings, database: Database) -> ClientFactory:
    """`async with client_with(rate_limit_per_key="3/minute") as client:` an app whose
    settings differ from the test's in the given fields."""

    @contextlib.asynccontextmanager
    async def factory(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        application = create_app(settings.model_copy(update=overrides))
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield client

    return factory


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
def make_key(database: Database) -> KeyFactory:
    """`await make_key(tenant="acme", scopes=[...])` → a plaintext key for that tenant."""

    async def factory(tenant: str = "acme", scopes: tuple[Scope, ...] = ALL_SCOPES) -> str:
        def make(session: Session) -> str:
            owner = auth.get_or_create_tenant(session, tenant)
            return auth.create_api_key(session, owner, scopes, name="test")[1]

        return await database.write(make)

    return factory


@pytest.fixture
async def api_key(make_key: KeyFactory) -> str:
    return await make_key()


@pytest.fixture
def headers(api_key: str) -> dict[str, str]:
    return {"X-API-Key": api_key}


async def ticket_count(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    """The caller's ticket total, as the list reports it."""
    response = await client.get("/api/v1/tickets", headers=headers)
    assert response.status_code == 200
    total: int = response.json()["total"]
    return total


@contextlib.asynccontextmanager
async def worker_on(database: Database, settings: Settings) -> AsyncIterator[Worker]:
    """A worker with every handler, on a test's database (as `servicedesk worker` runs)."""
    async with new_provider_client(settings.provider_create_timeout_seconds) as http:
        tickets = ticket_service(database, settings, http)
        async with running_worker(database, settings, tickets) as worker:
            yield worker


async def pending_jobs(database: Database) -> int:
    """Jobs due now or running: what a drained outbox has none of."""
    due = (
        select(func.count())
        .select_from(OutboxJob)
        .where(OutboxJob.state == JobState.PENDING, OutboxJob.run_after <= utcnow())
    )
    return int(await database.read(lambda session: session.scalar(due)) or 0)


Drain = Callable[[], Awaitable[None]]


@pytest.fixture
def drained(database: Database, settings: Settings) -> Drain:
    """`await drained()`: run every job that is due (and those they queue) to the end,
    with a worker of the test's own beside any embedded one. A check that something
    did *not* happen comes after this, never after a sleep."""

    async def drain(within: float = 30.0) -> None:
        deadline = asyncio.get_running_loop().time() + within
        async with worker_on(database, settings) as worker:
            while await worker.drain_once() or await pending_jobs(database):
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"jobs still due after {within} s")
                await asyncio.sleep(0.02)

    return drain


def new_uuid() -> str:
    return str(uuid.uuid4())


SEED_CREATE = {
    "subject": "VPN not connecting",
    "description": "Unable to connect to corporate VPN since this morning.",
    "priority": "high",
    "requester_email": "alex@example.com",
    "metadata": {"category": "Network"},
}


@pytest.fixture
def create_ticket(client: httpx.AsyncClient, headers: dict[str, str]) -> Any:
    async def create(**overrides: Any) -> dict[str, Any]:
        body = {**SEED_CREATE, **overrides}
        response = await client.post("/api/v1/tickets", json=body, headers=headers)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    return create


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A webhook receiver on loopback (the app needs webhook_allow_private_urls)."""
    server = WebhookReceiver().start()
    try:
        yield server
    finally:
        server.stop()


USER_PASSWORD = "correct horse battery"
UserFactory = Callable[..., Awaitable[uuid.UUID]]


@pytest.fixture
def make_user(database: Database) -> UserFactory:
    """`await make_user(tenant="acme", email=..., role="agent")` → the user's id."""

    async def factory(
        tenant: str = "acme",
        email: str = "agent@example.com",
        role: str = "agent",
        name: str = "",
        active: bool = True,
    ) -> uuid.UUID:
        def make(session: Session) -> uuid.UUID:
            owner = auth.get_or_create_tenant(session, tenant)
            user = users.create_user(
                session, owner.id, email=email, role=role, name=name, password=USER_PASSWORD
            )
            if not active:
                users.set_active(session, owner.id, str(user.id), False)
            return user.id

        return await database.write(make)

    return factory

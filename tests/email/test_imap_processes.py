"""A `servicedesk worker` SIGKILLed while it takes a mailbox's messages from a real
Dovecot: after a restart every message is a ticket exactly once, and every message has
moved out of the inbox."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.config import Settings
from servicedesk.db.database import Database
from servicedesk.email import service as email
from servicedesk.email.schemas import EmailConfigIn, ImapIn
from servicedesk.tickets.models import Ticket
from tests import live_server
from tests.email.conftest import SUPPORT, mail
from tests.imap_server import ImapServer

pytestmark = pytest.mark.e2e

MESSAGES = 120  # more than one poll's batch (imap.BATCH): the kill lands mid-run
KILL_AFTER = 30
PASSWORD = "acme-mailbox-password"


@pytest.fixture
def dovecot() -> Iterator[ImapServer]:
    server = ImapServer({"acme-desk": PASSWORD}).start()
    try:
        yield server
    finally:
        server.stop()


def _configure(settings: Settings, server: ImapServer) -> uuid.UUID:
    async def run() -> uuid.UUID:
        database = Database(settings)
        try:
            return await configure(database)
        finally:
            await database.dispose()

    async def configure(database: Database) -> uuid.UUID:
        tenant_id = await database.write(lambda s: auth.get_or_create_tenant(s, "acme").id)
        mailbox = ImapIn(
            host="127.0.0.1",
            port=server.port,
            security="none",
            username="acme-desk",
            password=PASSWORD,
            poll_seconds=5,
        )
        config = EmailConfigIn(addresses=[SUPPORT], imap=mailbox)
        await email.put_config(database, tenant_id, config, settings)
        return tenant_id

    return asyncio.run(run())


def _tickets(settings: Settings, tenant_id: uuid.UUID) -> tuple[int, int]:
    """How many tickets the tenant has, and how many distinct subjects they carry."""

    def read(session: Session) -> tuple[int, int]:
        of_tenant = select(Ticket.subject).where(Ticket.tenant_id == tenant_id)
        total = session.scalar(select(func.count()).select_from(of_tenant.subquery()))
        distinct = session.scalar(select(func.count()).select_from(of_tenant.distinct().subquery()))
        return int(total or 0), int(distinct or 0)

    async def run() -> tuple[int, int]:
        database = Database(settings)
        try:
            return await database.read(read)
        finally:
            await database.dispose()

    return asyncio.run(run())


def test_a_worker_killed_mid_fetch_takes_each_message_exactly_once(
    settings: Settings, database: Database, dovecot: ImapServer
) -> None:
    del database  # taken for its teardown: it empties the PostgreSQL test database
    for n in range(MESSAGES):  # from many senders: none reaches the per-sender limit
        sender = f"user{n}@customer.example"
        raw = mail(sender=sender, subject=f"Request {n}", message_id=f"<k{n}@c.example>")
        dovecot.deliver("acme-desk", raw)
    # A short lease: the killed worker's poll is taken over seconds after it died.
    env = live_server.server_env(
        settings, SERVICEDESK_WORKER_POLL_SECONDS="0.1", SERVICEDESK_WORKER_LEASE_SECONDS="5"
    )
    # Configured from this process, with the data dir (and its secret key) the worker reads.
    ours = live_server.settings_of(env)
    tenant_id = _configure(ours, dovecot)

    worker = live_server.start_worker(env)
    try:
        deadline = time.monotonic() + 60
        while _tickets(ours, tenant_id)[0] < KILL_AFTER:
            assert time.monotonic() < deadline, "the worker never took the mail"
            time.sleep(0.05)
        live_server.stop_group(worker, kill=True)
        assert dovecot.count("acme-desk") > 0, "the worker finished before it was killed"

        worker = live_server.start_worker(env)
        deadline = time.monotonic() + 90
        while dovecot.count("acme-desk") > 0:
            assert time.monotonic() < deadline, f"{dovecot.count('acme-desk')} left in INBOX"
            time.sleep(0.2)
    finally:
        live_server.stop_group(worker)

    assert _tickets(ours, tenant_id) == (MESSAGES, MESSAGES)
    # Every message moved. A kill inside a MOVE can leave the message copied but not yet
    # expunged: it is taken again as a repeat (no ticket) and moved again, so the
    # processed folder may hold a second copy of it.
    processed = dovecot.message_ids("acme-desk", "Processed")
    assert set(processed) == {f"<k{n}@c.example>" for n in range(MESSAGES)}
    assert len(processed) - MESSAGES <= 1

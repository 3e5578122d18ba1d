"""Polling a mailbox on a real IMAP server (Dovecot on loopback): every message becomes a
ticket once and moves to the processed folder, a run that fails between taking and
moving takes nothing twice, a tenant polls only its own mailbox, the password is never
shown."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from servicedesk.config import Settings
from servicedesk.db.database import Database
from servicedesk.email import imap
from tests.conftest import ClientFactory, Drain, KeyFactory, pending_jobs, worker_on
from tests.email.conftest import configure, mail
from tests.helpers.hostile import nested_mail
from tests.imap_server import ImapServer

SET_ASIDE = "/api/v1/configuration/email/set-aside"
USERS = {"acme-desk": "acme-mailbox-password", "globex-desk": "globex-mailbox-password"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Polling only: a mailbox waiting in IDLE keeps a job running, and these tests wait
    # for the outbox to drain. IDLE has its own test below.
    return settings.model_copy(update={"email_imap_idle": False})


@pytest.fixture
def dovecot() -> Iterator[ImapServer]:
    server = ImapServer(dict(USERS)).start()
    try:
        yield server
    finally:
        server.stop()


def mailbox(server: ImapServer, user: str = "acme-desk", **overrides: Any) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": server.port,
        "security": "none",
        "username": user,
        "password": USERS[user],
        **overrides,
    }


async def _total(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    response = await client.get("/api/v1/tickets", headers=headers)
    total: int = response.json()["total"]
    return total


async def _subjects(client: httpx.AsyncClient, headers: dict[str, str]) -> list[str]:
    response = await client.get("/api/v1/tickets", headers=headers)
    return [ticket["subject"] for ticket in response.json()["tickets"]]


async def test_mail_in_the_mailbox_becomes_tickets_and_moves_to_processed(
    client: httpx.AsyncClient, headers: dict[str, str], dovecot: ImapServer, drained: Drain
) -> None:
    for n in range(3):
        dovecot.deliver("acme-desk", mail(subject=f"Request {n}", message_id=f"<r{n}@c.example>"))

    config = await configure(client, headers, imap=mailbox(dovecot))
    await drained()

    assert config["imap"]["password_set"] is True
    assert "password" not in config["imap"]
    assert (
        USERS["acme-desk"]
        not in (await client.get("/api/v1/configuration/email", headers=headers)).text
    )
    listed = (await client.get("/api/v1/tickets", headers=headers)).json()["tickets"]
    assert sorted(t["subject"] for t in listed) == ["Request 0", "Request 1", "Request 2"]
    assert {t["requester_email"] for t in listed} == {"ana@customer.example"}
    assert dovecot.count("acme-desk") == 0
    assert dovecot.count("acme-desk", "Processed") == 3
    assert dovecot.unseen("acme-desk", "Processed") == 0  # marked seen as they were taken


async def test_a_run_failing_between_taking_and_moving_takes_nothing_twice(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    dovecot: ImapServer,
    drained: Drain,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(4):
        dovecot.deliver("acme-desk", mail(subject=f"Request {n}", message_id=f"<c{n}@c.example>"))
    real_file = imap.Mailbox.file
    moved: list[str] = []

    def file_then_fail(self: imap.Mailbox, uid: str) -> None:
        if len(moved) == 1:
            raise OSError("connection reset")  # the second message: taken, not moved
        moved.append(uid)
        real_file(self, uid)

    monkeypatch.setattr(imap.Mailbox, "file", file_then_fail)
    await configure(client, headers, imap=mailbox(dovecot))
    await drained()
    assert await _total(client, headers) == 2
    assert dovecot.count("acme-desk") == 3

    monkeypatch.setattr(imap.Mailbox, "file", real_file)
    await configure(client, headers, imap=mailbox(dovecot))  # saving polls again at once
    await drained()

    assert await _total(client, headers) == 4
    assert dovecot.count("acme-desk") == 0
    assert dovecot.count("acme-desk", "Processed") == 4


async def test_each_tenant_polls_only_its_own_mailbox(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_key: KeyFactory,
    dovecot: ImapServer,
    drained: Drain,
) -> None:
    globex = {"X-API-Key": await make_key(tenant="globex")}
    dovecot.deliver("acme-desk", mail(subject="For Acme"))
    dovecot.deliver("globex-desk", mail(subject="For Globex"))
    await configure(client, headers, imap=mailbox(dovecot))
    await drained()

    assert [
        t["subject"]
        for t in (await client.get("/api/v1/tickets", headers=headers)).json()["tickets"]
    ] == ["For Acme"]
    assert await _total(client, globex) == 0
    assert dovecot.count("globex-desk") == 1

    await configure(
        client, globex, addresses=["help@globex.example"], imap=mailbox(dovecot, "globex-desk")
    )
    await drained()
    assert [
        t["subject"]
        for t in (await client.get("/api/v1/tickets", headers=globex)).json()["tickets"]
    ] == ["For Globex"]
    assert await _total(client, headers) == 1


async def test_a_wrong_password_takes_nothing_and_keeps_polling(
    client: httpx.AsyncClient, headers: dict[str, str], dovecot: ImapServer, drained: Drain
) -> None:
    dovecot.deliver("acme-desk", mail())
    await configure(client, headers, imap=mailbox(dovecot, password="wrong"))
    await drained()

    assert await _total(client, headers) == 0
    assert dovecot.count("acme-desk") == 1
    # Saved again without the password, for the same account: the stored one is kept.
    kept = await configure(client, headers, imap={**mailbox(dovecot), "password": None})
    assert kept["imap"]["password_set"] is True


async def test_a_new_mailbox_needs_its_password(
    client: httpx.AsyncClient, headers: dict[str, str], dovecot: ImapServer
) -> None:
    body = {"addresses": ["support@acme.example"], "imap": {**mailbox(dovecot), "password": None}}
    response = await client.put("/api/v1/configuration/email", json=body, headers=headers)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "imap", "password"]


async def test_a_sender_over_the_limit_waits_in_the_mailbox(
    client_with: ClientFactory,
    headers: dict[str, str],
    dovecot: ImapServer,
    database: Database,
    settings: Settings,
) -> None:
    for n in range(3):
        dovecot.deliver("acme-desk", mail(subject=f"Flood {n}", message_id=f"<f{n}@c.example>"))

    # No embedded worker: only this test's, with the limit, may take the poll.
    async with client_with(worker_embedded=False) as client:
        await configure(client, headers, imap=mailbox(dovecot))
        limited = settings.model_copy(update={"email_new_tickets_per_sender_hour": 2})
        async with worker_on(database, limited) as worker:
            for _ in range(500):  # the poll (the next one it queues is a minute off)
                if not (await worker.drain_once() or await pending_jobs(database)):
                    break
                await asyncio.sleep(0.02)
        assert await _total(client, headers) == 2
    assert dovecot.count("acme-desk") == 1  # taken at a later poll, once the hour moves on
    assert dovecot.count("acme-desk", "Processed") == 2


async def test_with_idle_new_mail_is_taken_in_seconds_not_at_the_next_poll(
    client_with: ClientFactory, headers: dict[str, str], dovecot: ImapServer, settings: Settings
) -> None:
    dovecot.deliver("acme-desk", mail(subject="Before", message_id="<i0@c.example>"))
    async with client_with(email_imap_idle=True) as client:
        await configure(client, headers, imap=mailbox(dovecot, poll_seconds=600))
        assert await _eventually(lambda: _total(client, headers), 1)

        dovecot.deliver("acme-desk", mail(subject="While idling", message_id="<i1@c.example>"))
        started = time.monotonic()
        assert await _eventually(lambda: _total(client, headers), 2)
        waited = time.monotonic() - started
        assert await _eventually(lambda: _processed(dovecot), 2)  # moved after it is taken

    assert waited < 60, waited  # seconds, on a busy machine tens; the next poll was 10 min off
    assert dovecot.count("acme-desk") == 0
    assert dovecot.count("acme-desk", "Processed") == 2


async def _processed(server: ImapServer) -> int:
    return server.count("acme-desk", "Processed")


async def _eventually(count: Any, wanted: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await count() >= wanted:
            return True
        await asyncio.sleep(0.1)
    return False


def test_mail_delivered_between_the_last_search_and_idle_is_announced(dovecot: ImapServer) -> None:
    # Dovecot sends the EXISTS in the same packet as IDLE's continuation: a reader that
    # buffered it would sit out the whole wait (the flaky wake-up of stop 26).
    account = imap.Account(
        **mailbox(dovecot), folder="INBOX", processed_folder="Processed", poll_seconds=600
    )
    box = imap.Mailbox(account, imap.tls_context())
    try:
        assert box.uids() == []
        dovecot.deliver("acme-desk", mail(subject="Just before", message_id="<race@c.example>"))
        started = time.monotonic()
        assert box.idle(30, threading.Event()) is True
        assert time.monotonic() - started < 10
        assert len(box.uids()) == 1  # the session is usable after IDLE
    finally:
        box.close()


async def test_a_message_that_cannot_be_taken_is_set_aside_and_the_next_one_goes_on(
    client: httpx.AsyncClient, headers: dict[str, str], dovecot: ImapServer, drained: Drain
) -> None:
    """A poison message (multipart nested 1,000 deep) failed every poll and held up every
    message behind it; now it leaves the folder for the quarantine, kept whole, and the
    next message is taken in the same poll."""
    poison = nested_mail(1_000, subject="Poison")
    dovecot.deliver("acme-desk", poison)
    dovecot.deliver("acme-desk", mail(sender="Not a valid sender", message_id="<bad@c.example>"))
    dovecot.deliver("acme-desk", mail(subject="Behind it", message_id="<next@c.example>"))

    await configure(client, headers, imap=mailbox(dovecot))
    await drained()

    assert await _subjects(client, headers) == ["Behind it"]
    assert dovecot.count("acme-desk") == 0
    assert dovecot.count("acme-desk", "Quarantine") == 2
    assert dovecot.count("acme-desk", "Processed") == 1
    listed = (await client.get(SET_ASIDE, headers=headers)).json()
    assert listed["total"] == 2
    nested, no_sender = sorted(listed["messages"], key=lambda m: m["subject"] != "Poison")
    assert nested["reason"] == "The message nests parts more than 20 levels deep"
    assert nested["sender"] == "mallory@attacker.example"
    assert nested["size"] == len(poison)
    assert "From" in no_sender["reason"]

    released = await client.post(f"{SET_ASIDE}/{nested['id']}/release", headers=headers)
    again = await client.post(f"{SET_ASIDE}/{nested['id']}/release", headers=headers)

    assert released.status_code == 201, released.text
    assert again.status_code == 409
    ticket_id = released.json()["ticket_id"]
    ticket = (await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)).json()
    assert ticket["subject"] == "Poison"
    assert ticket["requester_email"] == "mallory@attacker.example"
    assert "more than 20 levels deep" in ticket["description"]
    files = (await client.get(f"/api/v1/tickets/{ticket_id}/attachments", headers=headers)).json()
    (original,) = files["attachments"]
    assert original["filename"] == "original.eml"
    assert original["size"] == len(poison)
    shown = (await client.get(SET_ASIDE, headers=headers)).json()["messages"]
    assert {(m["released"], m["ticket_id"]) for m in shown} == {(True, ticket_id), (False, None)}


async def test_a_poison_message_delays_the_next_one_by_at_most_one_poll(
    client: httpx.AsyncClient, headers: dict[str, str], dovecot: ImapServer
) -> None:
    """Polling every 5 seconds, a poison message and a good one delivered behind it: the
    good one is a ticket within one poll of its delivery (with slack for a busy machine),
    and less than one poll after the poison was set aside, so no poll was lost to it."""
    poll = 5
    dovecot.deliver("acme-desk", mail(subject="Before", message_id="<before@c.example>"))
    await configure(client, headers, imap=mailbox(dovecot, poll_seconds=poll))
    assert await _eventually(lambda: _total(client, headers), 1)  # the first poll is done

    dovecot.deliver("acme-desk", nested_mail(1_000, subject="Poison"))
    dovecot.deliver("acme-desk", mail(subject="Behind it", message_id="<behind@c.example>"))
    delivered = time.monotonic()
    assert await _eventually(lambda: _total(client, headers), 2, seconds=poll + 30)
    waited = time.monotonic() - delivered

    (kept,) = (await client.get(SET_ASIDE, headers=headers)).json()["messages"]
    ticket = (await client.get("/api/v1/tickets", headers=headers)).json()["tickets"][0]
    apart = datetime.fromisoformat(ticket["created_at"]) - datetime.fromisoformat(
        kept["created_at"]
    )
    assert ticket["subject"] == "Behind it"
    assert timedelta(0) <= apart < timedelta(seconds=poll), apart
    assert waited < poll + 15, waited
    assert dovecot.count("acme-desk", "Quarantine") == 1


async def test_another_tenant_neither_sees_nor_releases_a_set_aside_message(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_key: KeyFactory,
    dovecot: ImapServer,
    drained: Drain,
) -> None:
    dovecot.deliver("acme-desk", nested_mail(1_000))
    await configure(client, headers, imap=mailbox(dovecot))
    await drained()
    (kept,) = (await client.get(SET_ASIDE, headers=headers)).json()["messages"]
    globex = {"X-API-Key": await make_key(tenant="globex")}

    assert (await client.get(SET_ASIDE, headers=globex)).json()["total"] == 0
    refused = await client.post(f"{SET_ASIDE}/{kept['id']}/release", headers=globex)
    assert refused.status_code == 404
    assert refused.json() == {"detail": "Set-aside message not found"}

"""Tickets mirrored into the fake Freshservice and the fake Zendesk: create, rejection,
PATCH, outages, ambiguous failures, rate limits, coalescing, inbound changes."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from servicedesk.providers import freshservice, zendesk
from servicedesk.providers.models import ProviderConfig
from tests.conftest import SEED_CREATE, Drain, ticket_count
from tests.fakes.itsm import FakeITSM, FakeZendesk
from tests.providers.conftest import provider_body

Check = Callable[[], Awaitable[bool]]


async def eventually(check: Check, within: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def mapped_status(fake: FakeITSM, status: str) -> object:
    return (zendesk.STATUSES if isinstance(fake, FakeZendesk) else freshservice.STATUSES)[status]


def deep_link(fake: FakeITSM, external_id: str) -> str:
    path = "agent/tickets" if isinstance(fake, FakeZendesk) else "a/tickets"
    return f"{fake.base_url}/{path}/{external_id}"


@pytest.fixture
def get_ticket(client: httpx.AsyncClient, headers: dict[str, str]) -> Any:
    async def get(ticket_id: str) -> dict[str, Any]:
        response = await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)
        assert response.status_code == 200
        body: dict[str, Any] = response.json()
        return body

    return get


@pytest.fixture
def synced(get_ticket: Any) -> Any:
    """`await synced(ticket_id)`: waits until the ticket is synced; returns it."""

    async def wait(ticket_id: str, within: float = 15.0) -> dict[str, Any]:
        seen: dict[str, Any] = {}

        async def check() -> bool:
            seen.update(await get_ticket(ticket_id))
            return seen["external_sync_status"] == "synced"

        await eventually(check, within, f"ticket {ticket_id} to sync")
        return seen

    return wait


async def test_create_returns_the_seed_shape_with_the_providers_id_and_link(
    fake: FakeITSM, connect: Any, create_ticket: Any
) -> None:
    await connect()
    ticket = await create_ticket()

    remote = fake.ticket_for(ticket["id"])
    assert ticket["external_provider"] == fake.kind
    assert ticket["external_ticket_id"] == str(remote["id"])
    assert ticket["external_ticket_url"] == deep_link(fake, str(remote["id"]))
    assert ticket["external_sync_status"] == "synced"
    assert ticket["external_sync_error"] is None
    assert remote["status"] == mapped_status(fake, "open")
    assert remote["priority"] == (3 if fake.kind == "freshservice" else "high")
    assert remote["subject"] == SEED_CREATE["subject"]


async def test_no_provider_means_null_external_fields(create_ticket: Any) -> None:
    ticket = await create_ticket()
    for field in ("external_provider", "external_ticket_id", "external_ticket_url"):
        assert ticket[field] is None
    assert ticket["external_sync_status"] is None


async def test_a_rejection_is_our_400_with_the_providers_message_and_stores_nothing(
    fake: FakeITSM, connect: Any, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await connect()
    body = {k: v for k, v in SEED_CREATE.items() if k != "requester_email"}
    response = await client.post(
        "/api/v1/tickets", json=body, headers={**headers, "Idempotency-Key": "no-requester"}
    )

    assert response.status_code == 400
    expected = (
        "Requester: cannot be blank"
        if fake.kind == "zendesk"
        else "requester_id: Please fill at least 1 of email, phone, requester_id fields"
    )
    assert response.json() == {"detail": expected}
    assert await ticket_count(client, headers) == 0
    assert fake.tickets == {}
    # The key was not used up: the same request, fixed by a default requester, goes through.
    await connect(default_requester_email="desk@acme.example")
    retried = await client.post(
        "/api/v1/tickets", json=body, headers={**headers, "Idempotency-Key": "no-requester"}
    )
    assert retried.status_code == 201
    remote = fake.ticket_for(retried.json()["id"])
    sent = remote.get("email") or remote["requester"]["email"]
    assert sent == "desk@acme.example"


async def test_patch_reaches_the_provider_as_its_mapped_code(
    fake: FakeITSM,
    connect: Any,
    create_ticket: Any,
    client: httpx.AsyncClient,
    headers: dict[str, str],
) -> None:
    await connect()
    ticket = await create_ticket()
    for status in ("pending", "ai_resolved", "closed"):
        response = await client.patch(
            f"/api/v1/tickets/{ticket['id']}", json={"status": status}, headers=headers
        )
        assert response.status_code == 200

        async def arrived(status: str = status) -> bool:
            return bool(fake.ticket_for(ticket["id"])["status"] == mapped_status(fake, status))

        await eventually(arrived, what=f"status {status} at the provider")


async def test_provider_down_at_create_stores_pending_then_syncs_once(
    fake: FakeITSM, connect: Any, create_ticket: Any, synced: Any
) -> None:
    await connect()
    fake.stop()
    ticket = await create_ticket()
    assert ticket["external_sync_status"] == "pending"
    assert ticket["external_provider"] is None
    assert ticket["external_ticket_id"] is None

    fake.start()
    mirrored = await synced(ticket["id"])
    remote = fake.ticket_for(ticket["id"])
    assert mirrored["external_ticket_id"] == str(remote["id"])
    assert mirrored["external_provider"] == fake.kind
    assert mirrored["external_ticket_url"] == deep_link(fake, str(remote["id"]))


@pytest.mark.parametrize("fault", ["fail_next", "drop_next", "fail_after_create"])
async def test_ambiguous_and_transient_failures_make_exactly_one_ticket(
    fault: str, fake: FakeITSM, connect: Any, create_ticket: Any, synced: Any
) -> None:
    await connect()
    setattr(fake, fault, 3)
    ticket = await create_ticket()
    assert ticket["external_sync_status"] == "pending"

    await synced(ticket["id"])
    assert fake.creates_per_ticket() == {ticket["id"].replace("-", ""): 1}


async def test_a_slow_provider_defers_the_create_instead_of_holding_it(
    fake: FakeITSM,
    connect: Any,
    client: httpx.AsyncClient,
    headers: dict[str, str],
    synced: Any,
) -> None:
    """The provider answers only after the create is back (no clock to race with a busy
    machine): a create that waited for it would come back with the provider's call done."""
    await connect()
    fake.hold = threading.Event()  # far beyond the create timeout (1 s here)
    try:
        response = await client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers)
        assert fake.calls == []
    finally:
        fake.hold.set()
    assert response.json()["external_sync_status"] == "pending"
    await synced(response.json()["id"])
    assert fake.creates_per_ticket()[response.json()["id"].replace("-", "")] == 1


async def test_rate_limited_calls_wait_as_long_as_retry_after_asks(
    fake: FakeITSM, client_with: Any, headers: dict[str, str]
) -> None:
    fake.rate_limit, fake.rate_window = 2, 1.0
    async with client_with(provider_retry_max_seconds=10) as client:
        put = await client.put(
            "/api/v1/configuration/provider", json=provider_body(fake), headers=headers
        )
        assert put.status_code == 200
        ids = []
        for n in range(5):
            response = await client.post(
                "/api/v1/tickets",
                json={**SEED_CREATE, "subject": f"limited {n}"},
                headers=headers,
            )
            ids.append(response.json()["id"])

        async def all_synced() -> bool:
            for ticket_id in ids:
                got = await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)
                if got.json()["external_sync_status"] != "synced":
                    return False
            return True

        await eventually(all_synced, within=30, what="every ticket to sync")
    assert sum(fake.creates_per_ticket().values()) == 5
    limited = [call for call in fake.calls if call.status == 429]
    assert limited
    for ticket_id in ids:
        calls = [call for call in fake.calls if call.mentions(ticket_id)]
        for earlier, later in itertools.pairwise(calls):
            if earlier.status == 429:  # Retry-After: 1
                assert later.at - earlier.at >= 0.95


async def test_a_burst_of_patches_is_coalesced_and_the_last_state_wins(
    fake: FakeITSM,
    connect: Any,
    create_ticket: Any,
    client: httpx.AsyncClient,
    headers: dict[str, str],
    get_ticket: Any,
    drained: Drain,
) -> None:
    await connect()
    ticket = await create_ticket()
    fake.stop()
    statuses = ["pending", "resolved", "open", "pending_agent", "pending"] * 2
    for status in statuses:
        response = await client.patch(
            f"/api/v1/tickets/{ticket['id']}",
            json={"status": status, "subject": f"now {status}"},
            headers=headers,
        )
        assert response.status_code == 200
    fake.start()

    async def last_state_arrived() -> bool:
        remote = fake.ticket_for(ticket["id"])
        return bool(remote["status"] == mapped_status(fake, "pending"))

    await eventually(last_state_arrived, what="the last status")
    await drained()  # any straggler has run before counting
    puts = [call for call in fake.calls if call.method == "PUT" and call.status == 200]
    assert 1 <= len(puts) <= 2 < len(statuses)
    assert fake.ticket_for(ticket["id"])["subject"] == "now pending"


async def test_a_ticket_rejected_later_fails_and_a_fixing_patch_syncs_it(
    fake: FakeITSM,
    connect: Any,
    client: httpx.AsyncClient,
    headers: dict[str, str],
    get_ticket: Any,
    synced: Any,
) -> None:
    await connect()
    fake.stop()
    body = {k: v for k, v in SEED_CREATE.items() if k != "requester_email"}
    response = await client.post("/api/v1/tickets", json=body, headers=headers)
    ticket_id = response.json()["id"]
    assert response.json()["external_sync_status"] == "pending"
    fake.start()

    async def failed() -> bool:
        return bool((await get_ticket(ticket_id))["external_sync_status"] == "failed")

    await eventually(failed, what="the sync to fail")
    error = (await get_ticket(ticket_id))["external_sync_error"]
    assert "Requester: cannot be blank" in error or "requester_id" in error

    fixed = await client.patch(
        f"/api/v1/tickets/{ticket_id}",
        json={"requester_email": "late@acme.example"},
        headers=headers,
    )
    assert fixed.json()["external_sync_status"] == "pending"
    mirrored = await synced(ticket_id)
    assert mirrored["external_sync_error"] is None
    assert fake.creates_per_ticket() == {ticket_id.replace("-", ""): 1}


async def test_tickets_of_a_tenant_without_a_provider_are_not_mirrored(
    fake: FakeITSM, connect: Any, make_key: Any, client: httpx.AsyncClient
) -> None:
    await connect()
    other = {"X-API-Key": await make_key(tenant="other")}
    response = await client.post("/api/v1/tickets", json=SEED_CREATE, headers=other)
    assert response.json()["external_sync_status"] is None
    assert fake.tickets == {}


def _conversation(fake: FakeITSM, ticket_id: str) -> list[tuple[str, bool]]:
    """(body, private) of each note or reply the fake holds for our ticket."""
    remote = fake.ticket_for(ticket_id)
    if isinstance(fake, FakeZendesk):
        return [(c["body"], not c["public"]) for c in remote.get("comments", [])]
    return [(c["body_text"], c["private"]) for c in remote.get("conversations", [])]


MARKUP_LIKE = 'Line one\nSee <config> & "retry"\n\nThanks'


async def test_text_with_line_breaks_and_angle_brackets_reaches_the_provider_as_written(
    fake: FakeITSM,
    connect: Any,
    create_ticket: Any,
    client: httpx.AsyncClient,
    headers: dict[str, str],
    synced: Any,
) -> None:
    await connect()
    ticket = await create_ticket(description=MARKUP_LIKE)
    await synced(ticket["id"])
    remote = fake.ticket_for(ticket["id"])
    if isinstance(fake, FakeZendesk):
        assert remote["description"] == MARKUP_LIKE  # a comment's `body` is plain text
    else:
        assert remote["description_text"] == MARKUP_LIKE  # what the agent reads there
        assert "&lt;config&gt;" in remote["description"]

    note = await client.post(
        f"/api/v1/tickets/{ticket['id']}/notes",
        json={"body": MARKUP_LIKE, "private": True},
        headers=headers,
    )
    assert note.status_code == 201
    for _ in range(100):
        if _conversation(fake, ticket["id"]):
            break
        await asyncio.sleep(0.1)
    assert _conversation(fake, ticket["id"]) == [(MARKUP_LIKE, True)]


async def test_notes_reach_the_provider_as_private_notes_and_public_replies(
    fake: FakeITSM,
    connect: Any,
    create_ticket: Any,
    client: httpx.AsyncClient,
    headers: dict[str, str],
) -> None:
    await connect()
    ticket = await create_ticket()
    fake.stop()  # queued while it is down, sent in order when it is back
    for body, private in (("Checked the logs.", True), ("Please restart your laptop.", False)):
        response = await client.post(
            f"/api/v1/tickets/{ticket['id']}/notes",
            json={"body": body, "private": private},
            headers=headers,
        )
        assert response.status_code == 201
    fake.start()

    async def both_arrived() -> bool:
        return len(_conversation(fake, ticket["id"])) == 2

    await eventually(both_arrived, what="both notes at the provider")
    assert _conversation(fake, ticket["id"]) == [
        ("Checked the logs.", True),
        ("Please restart your laptop.", False),
    ]
    if fake.kind == "freshservice":
        kinds = [c["kind"] for c in fake.ticket_for(ticket["id"])["conversations"]]
        assert kinds == ["notes", "reply"]


async def test_history_shows_the_providers_sync_outcome(
    fake: FakeITSM,
    connect: Any,
    create_ticket: Any,
    synced: Any,
    client: httpx.AsyncClient,
    headers: dict[str, str],
) -> None:
    await connect()
    fake.stop()
    ticket = await create_ticket()
    fake.start()
    await synced(ticket["id"])

    history = await client.get(f"/api/v1/tickets/{ticket['id']}/history", headers=headers)
    events = history.json()["events"]
    assert [e["type"] for e in events] == ["ticket.created", "ticket.triaged", "ticket.updated"]
    sync = events[2]
    assert sync["actor"] == f"provider:{fake.kind}"
    assert sync["changes"]["external_sync_status"] == {"old": "pending", "new": "synced"}
    assert sync["changes"]["external_provider"] == {"old": None, "new": fake.kind}


async def test_a_success_answer_without_a_ticket_is_an_ambiguous_create_never_a_500(
    fake: FakeITSM, connect: Any, client: httpx.AsyncClient, headers: dict[str, str], synced: Any
) -> None:
    """The provider made the ticket, but its 201 came back as a proxy's HTML page: the
    ticket is stored pending, and the retry finds the one the provider made."""
    await connect()
    fake.garble_after_create = 1

    response = await client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers)

    assert response.status_code == 201
    assert response.json()["external_sync_status"] == "pending"
    ticket = await synced(response.json()["id"])
    assert ticket["external_ticket_id"] == str(fake.ticket_for(ticket["id"])["id"])
    assert fake.creates_per_ticket() == {ticket["id"].replace("-", ""): 1}


async def test_a_ticket_mirrored_in_the_old_account_is_not_sent_to_the_new_one(
    fake: FakeITSM,
    connect: Any,
    create_ticket: Any,
    client: httpx.AsyncClient,
    headers: dict[str, str],
    get_ticket: Any,
    drained: Any,
) -> None:
    await connect()
    ticket = await create_ticket()
    assert ticket["external_sync_status"] == "synced"
    await connect(domain="acme-new")  # the tenant moves to another account
    calls_before = len(fake.calls)

    changed = await client.patch(
        f"/api/v1/tickets/{ticket['id']}",
        json={"subject": "edited after the move"},
        headers=headers,
    )
    assert changed.status_code == 200
    note = await client.post(
        f"/api/v1/tickets/{ticket['id']}/notes", json={"body": "after the move"}, headers=headers
    )
    assert note.status_code == 201
    await drained()

    assert fake.calls[calls_before:] == []  # neither the edit nor the note went anywhere
    after = await get_ticket(ticket["id"])
    assert after["external_sync_status"] == "synced"  # still mirrored, in the old account
    assert "no longer the tenant's provider" in after["external_sync_error"]
    assert fake.ticket_for(ticket["id"])["subject"] == SEED_CREATE["subject"]


async def test_one_idempotency_key_makes_one_ticket_at_the_provider_however_many_race(
    fake: FakeITSM, connect: Any, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    """50 concurrent creates with one key (and a slow provider): one holds the key while
    it calls the provider; the others wait for its answer and replay it."""
    await connect()
    fake.delay = 0.3
    keyed = {**headers, "Idempotency-Key": "race-1"}

    responses = await asyncio.gather(
        *(client.post("/api/v1/tickets", json=SEED_CREATE, headers=keyed) for _ in range(50))
    )

    assert {response.status_code for response in responses} == {201}
    assert len({response.json()["id"] for response in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 49
    assert sum(fake.create_calls_per_ticket().values()) == 1
    assert await ticket_count(client, headers) == 1


async def test_other_bodies_under_a_held_key_are_refused_without_calling_the_provider(
    fake: FakeITSM, connect: Any, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await connect()
    fake.delay = 0.3
    keyed = {**headers, "Idempotency-Key": "race-2"}
    bodies = [{**SEED_CREATE, "subject": f"ticket {n}"} for n in range(20)]

    responses = await asyncio.gather(
        *(client.post("/api/v1/tickets", json=body, headers=keyed) for body in bodies)
    )

    assert sorted(response.status_code for response in responses) == [201] + [409] * 19
    assert sum(fake.create_calls_per_ticket().values()) == 1
    assert await ticket_count(client, headers) == 1


@pytest.mark.parametrize("fake", ["zendesk"], indirect=True)  # the limit is Zendesk's
async def test_one_tickets_update_limit_delays_that_ticket_and_not_the_tenants_others(
    fake: FakeZendesk, client_with: Any, headers: dict[str, str], database: Any
) -> None:
    async with client_with(provider_retry_max_seconds=10) as client:
        put = await client.put(
            "/api/v1/configuration/provider", json=provider_body(fake), headers=headers
        )
        assert put.status_code == 200
        ids = []
        for subject in ("Limited ticket", "Other ticket"):
            created = await client.post(
                "/api/v1/tickets", json={**SEED_CREATE, "subject": subject}, headers=headers
            )
            assert created.json()["external_sync_status"] == "synced"
            ids.append(created.json()["id"])
        limited, other = ids
        fake.ticket_update_limit, fake.ticket_update_window = 1, 8.0

        async def patch(ticket_id: str, priority: str) -> None:
            response = await client.patch(
                f"/api/v1/tickets/{ticket_id}", json={"priority": priority}, headers=headers
            )
            assert response.status_code == 200

        async def pushed(ticket_id: str, priority: str) -> bool:
            return fake.ticket_for(ticket_id)["priority"] == priority

        await patch(limited, "low")
        await eventually(lambda: pushed(limited, "low"), what="the first update")
        await patch(limited, "urgent")  # over the ticket's limit: 429, Retry-After ~8 s
        await eventually(lambda: _answered_429(fake, limited), what="the limited ticket's 429")
        await patch(other, "low")
        await eventually(lambda: pushed(other, "low"), within=10, what="the other update")
        limited_meanwhile = fake.ticket_for(limited)["priority"]
        await eventually(lambda: pushed(limited, "urgent"), within=20, what="the retried update")

    # The other ticket did not wait out the limited one's Retry-After: it was pushed
    # while the limited one's retry still waited (an order, not a clock): the tenant was
    # never paused.
    assert limited_meanwhile == "low"
    configs = await database.read(
        lambda session: session.scalar(
            select(ProviderConfig.paused_until).where(ProviderConfig.paused_until.is_not(None))
        )
    )
    assert configs is None


async def _answered_429(fake: FakeITSM, ticket_id: str) -> bool:
    external = str(fake.ticket_for(ticket_id)["id"])
    return any(call.status == 429 and f"/{external}.json" in call.path for call in fake.calls)

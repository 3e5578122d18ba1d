"""Triage on create: the ticket comes back triaged; routing by the tenant's threshold and
never-auto-resolve list; history shows the creation, then the triage; a failing or slow
engine never fails or slows the create."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from servicedesk.triage import service as triage_service
from servicedesk.triage import step as triage_step
from servicedesk.triage.engine import TicketText, Triage
from tests.conftest import worker_on
from tests.triage.conftest import (
    VPN_ARTICLE,
    VPN_TICKET,
    add_article,
    eventually,
    history,
    put_triage,
    triaged_events,
)

Headers = dict[str, str]


async def create(client: httpx.AsyncClient, headers: Headers, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/tickets", json={**VPN_TICKET, **body}, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_a_new_ticket_comes_back_triaged_without_a_suggestion_when_nothing_matches(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    ticket = await create(client, headers)
    assert ticket["category"] == "Network"
    assert ticket["ai_suggested_response"] is None
    assert ticket["confidence_score"] == 0.0
    assert ticket["status"] == "open"  # auto-routing is off by default


async def test_a_matching_article_is_the_suggestion_and_raises_the_confidence(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    article = await add_article(client, headers)
    ticket = await create(client, headers)
    assert ticket["category"] == "Network"
    assert ticket["ai_suggested_response"] == VPN_ARTICLE["body"]
    assert 0.3 < ticket["confidence_score"] <= 1.0
    got = await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)
    assert got.json() == ticket

    events = await history(client, headers, ticket["id"])
    assert [event["type"] for event in events] == ["ticket.created", "ticket.triaged"]
    created, triaged = events
    assert created["changes"]["category"] == {"old": None, "new": None}
    assert triaged["actor"] == "triage"
    assert triaged["changes"]["category"] == {"old": None, "new": "Network"}
    assert triaged["changes"]["confidence_score"]["new"] == ticket["confidence_score"]
    assert triaged["triage"]["engine"] == "local"
    assert triaged["triage"]["source"]["id"] == article["id"]
    assert triaged["triage"]["suggested_priority"] in {"low", "medium", "high", "urgent"}


@pytest.mark.parametrize(
    ("threshold", "expected"), [(0.0, "ai_resolved"), (0.3, "ai_resolved"), (1.0, "pending_agent")]
)
async def test_auto_routing_sends_tickets_by_the_threshold(
    client: httpx.AsyncClient, headers: Headers, threshold: float, expected: str
) -> None:
    await add_article(client, headers)
    await put_triage(client, headers, auto_routing=True, threshold=threshold)
    ticket = await create(client, headers)
    assert ticket["status"] == expected
    assert (ticket["confidence_score"] >= threshold) == (expected == "ai_resolved")
    events = await history(client, headers, ticket["id"])
    assert triaged_events(events)[0]["changes"]["status"] == {"old": "open", "new": expected}


async def test_without_a_suggestion_a_routed_ticket_waits_for_an_agent(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    await put_triage(client, headers, auto_routing=True, threshold=0.0)
    ticket = await create(client, headers)
    assert ticket["ai_suggested_response"] is None
    assert ticket["status"] == "pending_agent"


async def test_a_never_auto_resolve_category_goes_to_an_agent_whatever_the_confidence(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    await add_article(
        client,
        headers,
        title="Phishing email clicked",
        body="Change your password now and tell the security team.",
        category="Security",
        tags=["phishing"],
    )
    config = await put_triage(client, headers, auto_routing=True, threshold=0.0)
    assert config["never_auto_resolve"] == ["Security"]
    ticket = await create(
        client,
        headers,
        subject="Phishing email clicked",
        description="I clicked a phishing link in an email and typed my password.",
    )
    assert ticket["category"] == "Security"
    assert ticket["ai_suggested_response"] is not None
    assert ticket["status"] == "pending_agent"


async def test_a_creator_who_names_the_status_keeps_it(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    await add_article(client, headers)
    await put_triage(client, headers, auto_routing=True, threshold=0.0)
    ticket = await create(client, headers, status="pending")
    assert ticket["status"] == "pending"
    assert ticket["category"] == "Network"


async def test_routing_off_leaves_tickets_open(client: httpx.AsyncClient, headers: Headers) -> None:
    await add_article(client, headers)
    await put_triage(client, headers, auto_routing=False, threshold=0.0)
    assert (await create(client, headers))["status"] == "open"


async def test_patch_never_changes_the_confidence(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    await add_article(client, headers)
    ticket = await create(client, headers)
    response = await client.patch(
        f"/api/v1/tickets/{ticket['id']}",
        json={"category": "Hardware", "confidence_score": 0.01},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json()["confidence_score"] == ticket["confidence_score"]


class InlineClock:
    """How long each create spent in the inline triage (the engine's part of a create).

    The bounds below are on this, not on the whole create: on a busy CI machine a create
    on PostgreSQL twice took ~7 s in all (2026-12-05), time no engine can add to a create
    that the database server can (a forced checkpoint took 14 s here while packages were
    installing)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seconds: list[float] = []
        timed = triage_step.triage_inline

        async def timing(*args: Any, **kwargs: Any) -> Triage | None:
            started = time.monotonic()
            try:
                return await timed(*args, **kwargs)
            finally:
                self.seconds.append(time.monotonic() - started)

        # Where the create step calls it.
        monkeypatch.setattr(triage_step, "triage_inline", timing)


@pytest.fixture
def inline_clock(monkeypatch: pytest.MonkeyPatch) -> InlineClock:
    return InlineClock(monkeypatch)


def _failing(prepared: Any, ticket: TicketText) -> Triage:
    raise RuntimeError("model file corrupt")


class Engine:
    """A broken engine: it fails at once, or (slow) holds its thread until the test lets
    go, so a create that waited for it would not come back before then."""

    def __init__(self, slow: bool) -> None:
        self.slow = slow
        self.let_go = threading.Event()
        self.held_to_the_end = False

    def __call__(self, prepared: Any, ticket: TicketText) -> Triage:
        if self.slow:
            self.held_to_the_end = not self.let_go.wait(10)
        return _failing(prepared, ticket)


@pytest.mark.parametrize("slow", [False, True], ids=["failing", "slow"])
async def test_a_failing_or_slow_engine_never_fails_or_slows_the_create(
    client: httpx.AsyncClient,
    headers: Headers,
    monkeypatch: pytest.MonkeyPatch,
    inline_clock: InlineClock,
    slow: bool,
) -> None:
    """The inline engine breaks; the ticket is stored at once, untriaged, and the worker
    (whose engine works) triages and routes it."""
    await add_article(client, headers)
    await put_triage(client, headers, auto_routing=True, threshold=0.0)
    engine = Engine(slow)
    monkeypatch.setattr(triage_service, "run_local", engine)
    try:
        ticket = await create(client, headers)
    finally:
        engine.let_go.set()
    assert not engine.held_to_the_end  # the create came back while the engine still ran
    assert len(inline_clock.seconds) == 1
    assert inline_clock.seconds[0] < 2.0  # the budget is 0.5 s
    assert ticket["category"] is None
    assert ticket["confidence_score"] is None
    assert ticket["status"] == "open"

    seen: dict[str, Any] = {}

    async def triaged() -> bool:
        response = await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)
        seen.update(response.json())
        return seen["category"] is not None

    await eventually(triaged, "the worker to triage the ticket")
    assert seen["category"] == "Network"
    assert seen["status"] == "ai_resolved"
    events = await history(client, headers, ticket["id"])
    assert [event["type"] for event in events] == ["ticket.created", "ticket.triaged"]


async def test_more_concurrent_creates_than_triage_threads_are_all_triaged_inline(
    client_with: Any, headers: Headers
) -> None:
    """Busy threads are not held ones: a create waits its turn within the budget."""
    async with client_with(worker_embedded=False) as client:
        many = [create(client, headers) for _ in range(3 * triage_service.INLINE_THREADS)]
        tickets = await asyncio.gather(*many)

    assert all(ticket["category"] is not None for ticket in tickets)


async def test_engines_holding_every_triage_thread_do_not_slow_later_creates(
    client_with: Any,
    headers: Headers,
    monkeypatch: pytest.MonkeyPatch,
    inline_clock: InlineClock,
) -> None:
    """Hung engines keep their threads past the budget; with all of them held, a create
    skips the inline triage at once instead of waiting its budget for a thread."""
    release = threading.Event()

    def hung(prepared: Any, ticket: TicketText) -> Triage:
        release.wait(30)
        raise RuntimeError("hung")

    monkeypatch.setattr(triage_service, "run_local", hung)
    # Threads of their own: an earlier test's slow engine may still hold a shared one.
    threads = triage_service.INLINE_THREADS
    monkeypatch.setattr(triage_service, "_INLINE_POOL", ThreadPoolExecutor(threads))
    monkeypatch.setattr(triage_service, "_INLINE_OVERDUE", triage_service._Overdue())
    try:
        async with client_with(triage_inline_timeout_seconds=2.0, worker_embedded=False) as client:
            holding = [create(client, headers) for _ in range(threads)]
            await asyncio.gather(*holding)  # each waited its 2 s budget
            assert len(inline_clock.seconds) == threads
            ticket = await create(client, headers)
    finally:
        release.set()

    assert len(inline_clock.seconds) == threads + 1
    assert inline_clock.seconds[-1] < 1.5
    assert ticket["category"] is None
    assert ticket["confidence_score"] is None


async def test_an_agents_change_before_the_background_triage_wins(
    client_with: Any,
    headers: Headers,
    monkeypatch: pytest.MonkeyPatch,
    database: Any,
    settings: Any,
) -> None:
    monkeypatch.setattr(triage_service, "run_local", _failing)
    async with client_with(worker_embedded=False) as client:
        ticket = await create(client, headers)
        response = await client.patch(
            f"/api/v1/tickets/{ticket['id']}", json={"category": "Hardware"}, headers=headers
        )
        assert response.status_code == 200
        async with worker_on(database, settings) as worker:
            assert await worker.drain_once() == 1
        got = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
        assert got["category"] == "Hardware"
        assert triaged_events(await history(client, headers, ticket["id"])) == []


async def test_a_short_ticket_of_a_ready_engine_is_triaged_without_a_thread(
    client_with: Any, headers: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Handing 0.25 ms of triage to a thread cost 0.46 ms of CPU: a short ticket whose
    engine is built is triaged on the event loop; a long one, on a thread."""
    submitted: list[TicketText] = []
    real_submit = triage_service._INLINE_POOL.submit

    def counting_submit(fn: Any, prepared: Any, ticket: TicketText) -> Any:
        submitted.append(ticket)
        return real_submit(fn, prepared, ticket)

    monkeypatch.setattr(triage_service._INLINE_POOL, "submit", counting_submit)
    async with client_with(triage_knowledge_ttl_seconds=300.0, worker_embedded=False) as client:
        await create(client, headers)  # builds the engine
        submitted.clear()
        short = await create(client, headers)
        long = await create(client, headers, description="The VPN drops. " * 200)

    assert short["category"] is not None
    assert long["category"] is not None
    assert [len(ticket.description) for ticket in submitted] == [len("The VPN drops. " * 200)]

"""The `llm` engine against a fake OpenAI-compatible endpoint on 127.0.0.1: it refines
the local triage in the background, never inside the create, and on a timeout, garbage,
an error or a category outside the tenant's list the local triage stands."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from servicedesk.config import Settings
from servicedesk.db.database import Database
from servicedesk.jobs.models import OutboxJob
from tests.conftest import Drain
from tests.fakes.llm import API_KEY, FakeLLM
from tests.triage.conftest import (
    VPN_TICKET,
    add_article,
    eventually,
    history,
    put_triage,
    triaged_events,
)

Headers = dict[str, str]
ANSWER = {"category": "Access Management", "reply": "Re-enrol your MFA token.", "confidence": 0.93}


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    fake = FakeLLM(answer=ANSWER)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def settings(settings: Settings, llm: FakeLLM) -> Settings:
    return settings.model_copy(
        update={
            "llm_base_url": llm.base_url,
            "llm_api_key": SecretStr(API_KEY),
            "llm_model": "fake-model",
            "llm_timeout_seconds": 0.5,
            "llm_max_attempts": 2,
        }
    )


@pytest.fixture
async def llm_client(
    client: httpx.AsyncClient, headers: Headers
) -> AsyncIterator[httpx.AsyncClient]:
    await add_article(client, headers)
    await put_triage(client, headers, engine="llm", auto_routing=True, threshold=0.9)
    return client


async def create(client: httpx.AsyncClient, headers: Headers) -> dict[str, Any]:
    response = await client.post("/api/v1/tickets", json=VPN_TICKET, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def wait_for_llm_call(llm: FakeLLM, count: int = 1) -> None:
    async def called() -> bool:
        return len(llm.requests) >= count

    await eventually(called, f"{count} call(s) to the LLM")


async def settled(
    client: httpx.AsyncClient, headers: Headers, database: Database, ticket_id: str
) -> list[Any]:
    """Waits until no triage job is left; returns the ticket's triaged events."""

    async def no_job_left() -> bool:
        left = await database.read(
            lambda session: session.scalar(
                select(func.count())
                .select_from(OutboxJob)
                .where(OutboxJob.kind == "triage.run", OutboxJob.state == "pending")
            )
        )
        return left == 0

    # A retried job waits 1-2 s; the window is for a machine busy with other suites.
    await eventually(no_job_left, "the triage job to finish", within=60)
    return triaged_events(await history(client, headers, ticket_id))


async def test_the_llm_refines_the_local_triage_in_the_background(
    client_with: Any, headers: Headers, llm: FakeLLM, database: Database, drained: Drain
) -> None:
    """The create never waits for the model, because it never calls it: with no worker
    running, the model has had no request when the ticket comes back (no clock to race
    with a busy machine, as a bound on the create's time would)."""
    async with client_with(worker_embedded=False) as client:
        await add_article(client, headers)
        await put_triage(client, headers, engine="llm", auto_routing=True, threshold=0.9)
        ticket = await create(client, headers)
        assert llm.requests == []
        assert ticket["category"] == "Network"  # the local engine, inline

        await drained()
        events = await settled(client, headers, database, ticket["id"])
        got = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert [e["triage"]["engine"] for e in events] == ["local", "llm"]
    assert got["category"] == "Access Management"
    assert got["ai_suggested_response"] == "Re-enrol your MFA token."
    assert got["confidence_score"] == 0.93
    assert got["status"] == "ai_resolved"  # re-routed: 0.93 >= 0.9
    assert events[1]["triage"]["model_version"] == "fake-model"

    request = llm.requests[-1]
    assert request["model"] == "fake-model"
    assert request["response_format"] == {"type": "json_object"}
    prompt = request["messages"][-1]["content"]
    assert '"Network"' in prompt
    assert VPN_TICKET["description"] in prompt
    assert "VPN will not connect" in prompt  # the best article is given as knowledge
    assert llm.authorizations[-1] == f"Bearer {API_KEY}"


async def test_a_retryable_error_is_retried(
    llm_client: httpx.AsyncClient, headers: Headers, llm: FakeLLM, database: Database
) -> None:
    llm.fail_next = 1
    ticket = await create(llm_client, headers)
    events = await settled(llm_client, headers, database, ticket["id"])
    assert len(llm.requests) == 2
    assert [e["triage"]["engine"] for e in events] == ["local", "llm"]


@pytest.mark.parametrize(
    "fault",
    [
        {"delay": 2.0},
        {"garbage": "Sure! The category is probably Network."},
        {"garbage": '{"category": "Billing", "reply": "x", "confidence": 0.9}'},
        {"garbage": '{"category": "Network", "reply": "x", "confidence": 7}'},
        {"fail_next": 5},
        {"fail_next": 5, "fail_status": 401},
    ],
    ids=["timeout", "prose", "unknown-category", "bad-confidence", "5xx", "401"],
)
async def test_on_any_failure_the_local_triage_stands(
    llm_client: httpx.AsyncClient,
    headers: Headers,
    llm: FakeLLM,
    database: Database,
    fault: dict[str, Any],
) -> None:
    for name, value in fault.items():
        setattr(llm, name, value)
    ticket = await create(llm_client, headers)
    events = await settled(llm_client, headers, database, ticket["id"])
    assert [e["triage"]["engine"] for e in events] == ["local"]
    got = (await llm_client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert got == ticket
    retryable = "delay" in fault or ("fail_next" in fault and fault.get("fail_status", 500) >= 500)
    assert len(llm.requests) == (2 if retryable else 1)


async def test_an_agents_override_before_the_llm_answers_wins(
    llm_client: httpx.AsyncClient, headers: Headers, llm: FakeLLM, database: Database
) -> None:
    llm.delay = 0.4
    ticket = await create(llm_client, headers)
    await wait_for_llm_call(llm)
    response = await llm_client.patch(
        f"/api/v1/tickets/{ticket['id']}", json={"category": "Hardware"}, headers=headers
    )
    assert response.status_code == 200
    events = await settled(llm_client, headers, database, ticket["id"])
    assert [e["triage"]["engine"] for e in events] == ["local"]
    got = (await llm_client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert got["category"] == "Hardware"

"""Learning from agents: overrides recorded from PATCH, agents' replies suggested for
similar tickets, `servicedesk triage train` and the hot swap of the new model."""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from servicedesk.cli import app
from servicedesk.config import Settings
from servicedesk.db.database import Database
from servicedesk.jobs.models import OutboxJob
from servicedesk.triage.feedback import RETRAIN_JOB_KIND
from servicedesk.triage.models import TriageFeedback
from tests.triage.conftest import VPN_TICKET, eventually, put_triage

Headers = dict[str, str]
runner = CliRunner()

BILLING = [
    "invoice amount is wrong on my bill",
    "charged twice for the same subscription",
    "need a refund for last month's payment",
    "credit card payment declined at checkout",
    "please send a copy of the invoice",
    "billing address on the invoice is outdated",
    "why did my monthly price go up",
]
SHIPPING = [
    "parcel has not arrived after two weeks",
    "tracking number shows no movement",
    "delivery went to the wrong address",
    "package arrived damaged",
    "can I change the delivery date",
    "courier left the parcel outside",
    "order shipped without the charger",
]


@pytest.fixture(autouse=True)
def cli_environment(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICEDESK_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        monkeypatch.setenv("SERVICEDESK_DATABASE_URL", settings.database_url)


async def cli(*args: str) -> Any:
    # The CLI runs its own event loop; a thread keeps it off the test's.
    return await asyncio.to_thread(runner.invoke, app, list(args))


async def feedback_rows(database: Database) -> list[TriageFeedback]:
    return await database.read(
        lambda session: list(session.scalars(select(TriageFeedback).order_by(TriageFeedback.id)))
    )


async def test_a_patch_that_overrides_category_or_reply_is_recorded_as_feedback(
    client: httpx.AsyncClient, headers: Headers, database: Database, api_key: str
) -> None:
    ticket = (await client.post("/api/v1/tickets", json=VPN_TICKET, headers=headers)).json()
    path = f"/api/v1/tickets/{ticket['id']}"
    await client.patch(path, json={"priority": "high"}, headers=headers)
    assert await feedback_rows(database) == []
    response = await client.patch(
        path,
        json={"category": "Access Management", "ai_suggested_response": "Reset your token."},
        headers=headers,
    )
    assert response.status_code == 200
    rows = await feedback_rows(database)
    assert [(r.field, r.previous_value, r.agent_value) for r in rows] == [
        ("category", "Network", "Access Management"),
        ("ai_suggested_response", None, "Reset your token."),
    ]
    assert rows[0].ticket_text == f"{VPN_TICKET['subject']}\n{VPN_TICKET['description']}"
    assert rows[0].actor.startswith("key_")
    # The same value again is no override.
    await client.patch(path, json={"category": "Access Management"}, headers=headers)
    assert len(await feedback_rows(database)) == 2


async def test_an_agents_reply_on_a_resolved_ticket_answers_a_similar_one(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    first = (await client.post("/api/v1/tickets", json=VPN_TICKET, headers=headers)).json()
    assert first["ai_suggested_response"] is None
    reply = "Your VPN certificate expired; I renewed it. Reconnect and it works."
    await client.patch(
        f"/api/v1/tickets/{first['id']}",
        json={"ai_suggested_response": reply, "status": "resolved"},
        headers=headers,
    )
    second = await client.post(
        "/api/v1/tickets",
        json={"subject": "VPN not connecting", "description": "VPN will not connect today."},
        headers=headers,
    )
    assert second.json()["ai_suggested_response"] == reply
    assert second.json()["confidence_score"] > 0


async def test_an_open_tickets_reply_is_not_yet_an_answer(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    first = (await client.post("/api/v1/tickets", json=VPN_TICKET, headers=headers)).json()
    await client.patch(
        f"/api/v1/tickets/{first['id']}",
        json={"ai_suggested_response": "Try turning it off and on."},
        headers=headers,
    )
    second = (await client.post("/api/v1/tickets", json=VPN_TICKET, headers=headers)).json()
    assert second["ai_suggested_response"] is None


async def test_train_learns_the_tenants_own_categories_and_swaps_without_a_restart(
    client: httpx.AsyncClient, headers: Headers, tmp_path: Path
) -> None:
    """A tenant with its own taxonomy: overrides by agents plus an imported CSV train
    version 1, which the running app uses for the very next ticket."""
    await put_triage(client, headers, categories=["Billing", "Shipping", "Network"])
    for text in BILLING[:3]:
        ticket = (
            await client.post(
                "/api/v1/tickets", json={"subject": text, "description": text}, headers=headers
            )
        ).json()
        assert ticket["category"] == "Network"  # the starter knows no Billing
        await client.patch(
            f"/api/v1/tickets/{ticket['id']}", json={"category": "Billing"}, headers=headers
        )
    path = tmp_path / "history.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["body", "queue"])
        writer.writerows([(text, "Billing") for text in BILLING[3:]])
        writer.writerows([(text, "Shipping") for text in SHIPPING])
        writer.writerow(["only once", "Returns"])

    result = await cli(
        "triage", "train", "--tenant", "acme", "--from-csv", str(path),
        "--text-col", "body", "--label-col", "queue",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    trained = json.loads(result.stdout)
    assert trained["version"] == 1
    # A label with a single example is learned too, but triage assigns only the
    # tenant's categories: the CLI says so.
    assert set(trained["labels"]) == {"Billing", "Shipping", "Network", "Returns"}
    assert trained["sources"]["feedback"] == 3
    assert trained["sources"]["csv"] == 12
    assert trained["labels_outside_category_list"] == ["Returns"]
    assert "add Returns with PUT" in result.stderr

    config = (await client.get("/api/v1/configuration/triage", headers=headers)).json()
    assert config["model"]["version"] == 1
    assert config["model"]["name"] == "tenant-v1"

    ticket = (
        await client.post(
            "/api/v1/tickets",
            json={"subject": "Wrong invoice", "description": "My invoice shows a double charge"},
            headers=headers,
        )
    ).json()
    assert ticket["category"] == "Billing"
    history = (await client.get(f"/api/v1/tickets/{ticket['id']}/history", headers=headers)).json()
    assert history["events"][-1]["triage"]["model_version"] == "tenant-v1"

    # A rollback to the starter is as immediate.
    result = await cli("triage", "use", "--tenant", "acme", "--version", "starter")
    assert result.exit_code == 0, result.output
    again = (
        await client.post(
            "/api/v1/tickets",
            json={"subject": "Wrong invoice", "description": "My invoice shows a double charge"},
            headers=headers,
        )
    ).json()
    assert again["category"] != "Billing"


async def test_train_refuses_too_little_data_and_unknown_tenants(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    await put_triage(client, headers, categories=["Billing", "Shipping"])
    result = await cli("triage", "train", "--tenant", "acme")
    assert result.exit_code == 1
    assert "cannot train" in result.output
    result = await cli("triage", "train", "--tenant", "nobody")
    assert result.exit_code == 1
    assert "no tenant named 'nobody'" in result.output
    result = await cli("triage", "use", "--tenant", "acme", "--version", "7")
    assert result.exit_code == 1


async def retrain_jobs(database: Database) -> int:
    count = select(func.count()).select_from(OutboxJob).where(OutboxJob.kind == RETRAIN_JOB_KIND)
    return int(await database.read(lambda session: session.scalar(count)) or 0)


async def create_and_correct(
    client: httpx.AsyncClient, headers: Headers, text: str, category: str
) -> dict[str, Any]:
    created = await client.post(
        "/api/v1/tickets", json={"subject": text, "description": text}, headers=headers
    )
    assert created.status_code == 201, created.text
    response = await client.patch(
        f"/api/v1/tickets/{created.json()['id']}",
        json={"category": category, "status": "resolved"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_the_worker_retrains_after_enough_overrides_and_the_next_create_uses_it(
    client: httpx.AsyncClient, headers: Headers, database: Database
) -> None:
    """retrain_every=3: two overrides queue nothing; the third queues a retraining,
    which the (embedded) worker runs; the very next create is triaged by version 1."""
    await put_triage(
        client, headers, categories=["Billing", "Shipping", "Network"], retrain_every=3
    )
    for text in BILLING[:2]:
        await create_and_correct(client, headers, text, "Billing")
    assert await retrain_jobs(database) == 0
    await create_and_correct(client, headers, SHIPPING[0], "Shipping")

    async def retrained() -> bool:
        config = (await client.get("/api/v1/configuration/triage", headers=headers)).json()
        return bool(config["model"]["version"] == 1)

    await eventually(retrained, "the worker's retraining", within=60)
    config = (await client.get("/api/v1/configuration/triage", headers=headers)).json()
    assert set(config["model"]["labels"]) >= {"Billing", "Shipping"}

    ticket = (
        await client.post(
            "/api/v1/tickets",
            json={"subject": "Charged twice", "description": "I was charged twice on my bill"},
            headers=headers,
        )
    ).json()
    assert ticket["category"] == "Billing"
    history = (await client.get(f"/api/v1/tickets/{ticket['id']}/history", headers=headers)).json()
    assert history["events"][-1]["triage"]["model_version"] == "tenant-v1"

    # The overrides are in version 1: the next two queue nothing, the third does.
    await eventually(lambda: _none(retrain_jobs(database)), "the job's end")
    await create_and_correct(client, headers, BILLING[2], "Billing")
    await create_and_correct(client, headers, SHIPPING[1], "Shipping")
    assert await retrain_jobs(database) == 0
    await create_and_correct(client, headers, SHIPPING[2], "Shipping")

    async def version_two() -> bool:
        config = (await client.get("/api/v1/configuration/triage", headers=headers)).json()
        return bool(config["model"]["version"] == 2)

    await eventually(version_two, "the second retraining", within=60)


async def _none(count: Any) -> bool:
    return bool(await count == 0)


async def test_overrides_queue_no_retraining_unless_the_tenant_asks(
    client: httpx.AsyncClient, headers: Headers, database: Database
) -> None:
    await put_triage(client, headers, categories=["Billing", "Shipping", "Network"])
    for text in BILLING[:4]:
        await create_and_correct(client, headers, text, "Billing")
    assert await retrain_jobs(database) == 0
    config = (await client.get("/api/v1/configuration/triage", headers=headers)).json()
    assert config["model"]["version"] is None


async def test_day_one_a_tenant_trains_on_its_descriptions_and_articles(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    """No ticket yet: the tenant's own words about its categories are examples (each
    phrase of a description, each article filed under one); the starter's examples of a
    category the tenant described itself are left out."""
    await put_triage(
        client,
        headers,
        categories=["Billing", "Shipping", "Network"],
        category_descriptions={
            "Billing": "Invoices, refunds, payments, charges on a card, subscription prices",
            "Shipping": "Parcels, deliveries, couriers, tracking numbers; damaged packages",
        },
    )
    article = {
        "title": "The VPN will not connect",
        "body": "Sign out of the VPN client and in again.",
        "category": "Network",
        "tags": [],
    }
    created = await client.post("/api/v1/kb/articles", json=article, headers=headers)
    assert created.status_code == 201, created.text

    result = await cli("triage", "train", "--tenant", "acme")
    assert result.exit_code == 0, result.output
    trained = json.loads(result.stdout)
    assert trained["sources"] == {"description": 10, "kb_article": 1}
    assert sorted(trained["labels"]) == ["Billing", "Network", "Shipping"]

    for text, category in [
        ("Refund please", "I want a refund of my last payment"),
        ("Where is my parcel", "The courier tracking number shows nothing"),
    ]:
        ticket = (
            await client.post(
                "/api/v1/tickets", json={"subject": text, "description": category}, headers=headers
            )
        ).json()
        assert ticket["category"] == ("Billing" if "refund" in category else "Shipping")

"""`servicedesk db copy --to URL`: an installation on the embedded SQLite moves into an
empty PostgreSQL database whole, and the service carries on there with the same keys,
tickets, notes, search, settings and users; a target with rows is refused."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from servicedesk.cli import app as cli
from servicedesk.config import Settings
from servicedesk.db import copy
from servicedesk.registry import tables
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.filled import client_on, fill

runner = CliRunner()


@pytest.fixture
def backend() -> str:
    """The source is always the embedded SQLite: the move this command is for."""
    return "sqlite"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_allow_private_urls": True})


async def _copy(settings: Settings, target_url: str) -> Any:
    environment = {"SERVICEDESK_DATA_DIR": str(settings.data_dir)}
    return await asyncio.to_thread(
        runner.invoke, cli, ["db", "copy", "--to", target_url], env=environment
    )


async def test_an_installation_moves_to_postgres_and_carries_on_there(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    settings: Settings,
    empty_postgres: str,
    make_user: Any,
    receiver: WebhookReceiver,
) -> None:
    filled = await fill(client, headers, receiver)
    await make_user(email="agent@example.com")
    before = [
        (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
        for ticket in filled["tickets"]
    ]

    result = await _copy(settings, empty_postgres)

    assert result.exit_code == 0, result.output
    assert "tickets: 3 rows" in result.output
    target = settings.model_copy(update={"database_url": empty_postgres})
    assert await copy.row_counts(target, tables()) == await copy.row_counts(settings, tables())
    async with client_on(target) as moved:
        after = [
            (await moved.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
            for ticket in filled["tickets"]
        ]
        assert after == before  # the same API key, the same tickets, field for field
        listed = (await moved.get("/api/v1/tickets", headers=headers)).json()
        assert len(listed["tickets"]) == 3
        found = await moved.get(
            "/api/v1/tickets", params={"search": "concentrator"}, headers=headers
        )
        assert [t["id"] for t in found.json()["tickets"]] == [filled["tickets"][1]["id"]]
        notes = await moved.get(
            f"/api/v1/tickets/{filled['tickets'][1]['id']}/notes", headers=headers
        )
        assert [n["body"] for n in notes.json()["notes"]] == ["Rebooted the concentrator."]
        hooks = (await moved.get("/api/v1/webhooks", headers=headers)).json()
        assert [h["id"] for h in hooks["webhooks"]] == [filled["webhook"]["id"]]
        # New rows take ids past the copied ones (the sequences moved on).
        fresh = await moved.post(
            "/api/v1/tickets",
            json={
                "subject": "Laptop fan loud",
                "description": "It whirrs.",
                "custom_fields": {"department": "HR"},
            },
            headers=headers,
        )
        assert fresh.status_code == 201, fresh.text
        again = await moved.post(
            f"/api/v1/tickets/{filled['tickets'][0]['id']}/notes",
            json={"body": "Cleared the tray."},
            headers=headers,
        )
        assert again.status_code == 201, again.text


async def test_a_target_that_has_rows_is_refused_and_left_as_it_was(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    settings: Settings,
    empty_postgres: str,
    receiver: WebhookReceiver,
) -> None:
    await fill(client, headers, receiver)
    assert (await _copy(settings, empty_postgres)).exit_code == 0
    target = settings.model_copy(update={"database_url": empty_postgres})
    counts = await copy.row_counts(target, tables())

    refused = await _copy(settings, empty_postgres)

    assert refused.exit_code == 1
    assert "already has rows" in refused.output
    assert await copy.row_counts(target, tables()) == counts


async def test_copying_into_the_database_in_use_is_refused(settings: Settings) -> None:
    result = await _copy(settings, f"sqlite:///{settings.data_dir / 'servicedesk.db'}")

    assert result.exit_code == 1
    assert "already uses" in result.output


# What the database derives itself (rebuilt by the target's triggers) or keeps for itself.
DERIVED_OR_OWN = {"alembic_version", "sqlite_sequence", "ticket_counts", "ticket_search_ids"}


def test_every_table_the_migrations_make_is_copied_or_derived(settings: Settings) -> None:
    with contextlib.closing(sqlite3.connect(settings.data_dir / "servicedesk.db")) as raw:
        made = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    not_copied = {
        name for name in made - {t.name for t in tables()} if not name.startswith("tickets_fts")
    }
    assert not_copied == DERIVED_OR_OWN

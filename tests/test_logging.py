"""Logs: structured events with a request id, and never an API key."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from servicedesk.app import create_app
from servicedesk.config import Settings
from servicedesk.db.database import Database
from tests.conftest import SEED_CREATE


@pytest.fixture
async def json_logging_client(
    settings: Settings, database: Database
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"log_format": "json"}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def test_requests_log_json_with_request_id_and_no_key(
    json_logging_client: httpx.AsyncClient,
    api_key: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    headers = {"X-API-Key": api_key, "X-Request-ID": "trace-1"}
    await json_logging_client.post("/api/v1/tickets", json=SEED_CREATE, headers=headers)
    await json_logging_client.get("/api/v1/tickets", headers={"X-API-Key": api_key + "x"})

    events = [record.msg for record in caplog.records if isinstance(record.msg, dict)]
    access = [event for event in events if event.get("event") == "request"]
    output = caplog.text + json.dumps(events, default=str)

    assert api_key not in output
    assert api_key[13:] not in output
    assert len(access) == 2
    assert access[0]["request_id"] == "trace-1"
    assert access[0]["status"] == 201
    assert access[0]["tenant_id"]
    assert access[1]["status"] == 401


@pytest.mark.parametrize(
    ("level", "log_format", "expected"),
    [
        ("warning", "JSON", ("WARNING", "json")),
        ("Debug", "console", ("DEBUG", "console")),
        ("ERROR", "Console", ("ERROR", "console")),
    ],
)
def test_log_settings_are_read_in_any_case(
    monkeypatch: pytest.MonkeyPatch, level: str, log_format: str, expected: tuple[str, str]
) -> None:
    monkeypatch.setenv("SERVICEDESK_LOG_LEVEL", level)
    monkeypatch.setenv("SERVICEDESK_LOG_FORMAT", log_format)
    settings = Settings()
    assert (settings.log_level, settings.log_format) == expected


def test_an_unknown_log_level_is_still_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICEDESK_LOG_LEVEL", "loud")
    with pytest.raises(ValueError, match="log_level"):
        Settings()

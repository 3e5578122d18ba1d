"""Whose address a sign-in comes from, on a real `servicedesk serve`: a forwarded header
is believed only from a proxy named in SERVICEDESK_TRUSTED_PROXIES (uvicorn believed
loopback's by default, so a local caller could spread its failures over made-up clients
and never meet the per-client throttle)."""

from __future__ import annotations

import httpx
import pytest

from servicedesk.config import Settings
from tests import live_server
from tests.console.helpers import hidden_value

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("backend", ["sqlite"])]


def _failed_sign_ins(base_url: str, attempts: int) -> list[int]:
    """Wrong passwords for different addresses, each claiming another client."""
    statuses = []
    with httpx.Client(base_url=base_url) as client:
        for attempt in range(attempts):
            form = client.get("/console/login")
            token = hidden_value(form.text, "sign_in_token")
            answer = client.post(
                "/console/login",
                data={
                    "email": f"nobody{attempt}@example.com",
                    "password": "wrong password",
                    "sign_in_token": token,
                },
                headers={"X-Forwarded-For": f"203.0.113.{attempt + 1}"},
            )
            statuses.append(answer.status_code)
    return statuses


def test_forwarded_for_from_an_untrusted_peer_does_not_dodge_the_throttle(
    settings: Settings,
) -> None:
    env = live_server.server_env(settings, SERVICEDESK_CONSOLE_SIGN_IN_LIMIT="2/15minutes")
    with live_server.running(env) as server:
        assert _failed_sign_ins(server.base_url, 3) == [401, 401, 429]


def test_forwarded_for_from_a_trusted_proxy_names_the_client(settings: Settings) -> None:
    env = live_server.server_env(
        settings,
        SERVICEDESK_CONSOLE_SIGN_IN_LIMIT="2/15minutes",
        SERVICEDESK_TRUSTED_PROXIES="127.0.0.0/8, ::1",
    )
    with live_server.running(env) as server:
        assert _failed_sign_ins(server.base_url, 3) == [401, 401, 401]

"""The console in a real browser: Debian's Chromium against `servicedesk serve`.

The review flow end to end (sign in, a ticket routed to `pending_agent`, accept the AI's
reply), a category override, CSRF refusal, tenant isolation, an agent refused an admin
page, sign-out. With SERVICEDESK_CONSOLE_SCREENSHOTS=DIR the main pages are saved there
(docs/console/ holds the ones the docs show)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from servicedesk.config import Settings
from servicedesk.db.database import Database
from tests import live_server
from tests.console.browser import chromium

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
SUGGESTION = "Restart the VPN client, then sign in with your new password."


@dataclass
class Desk:
    base_url: str
    api: httpx.Client
    agent_id: str
    other_api: httpx.Client


@pytest.fixture
def desk(settings: Settings, database: Database) -> Iterator[Desk]:
    env = live_server.server_env(settings)
    key = live_server.create_key(
        env, "acme", "tickets:read", "tickets:write", "users:read", "kb:write"
    )
    other_key = live_server.create_key(env, "globex", "tickets:read", "tickets:write")
    agent_id = live_server.create_user(
        env, "acme", "ada@acme.example", PASSWORD, role="agent", name="Ada Agent"
    )
    with (
        live_server.running(env) as server,
        httpx.Client(base_url=server.base_url, headers={"X-API-Key": key}) as api,
        httpx.Client(base_url=server.base_url, headers={"X-API-Key": other_key}) as other,
    ):
        yield Desk(server.base_url, api, agent_id, other)


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    with chromium() as driver:
        yield driver


def _navigate(browser: webdriver.Chrome, by: str, value: str) -> None:
    """Click what loads a new page, and wait until the new page has loaded (a mark set
    on the old page's window is gone with it)."""
    browser.execute_script("window.__leaving = true;")
    browser.find_element(by, value).click()
    WebDriverWait(browser, 15).until(
        lambda driver: driver.execute_script(
            "return window.__leaving === undefined && document.readyState === 'complete';"
        )
    )


def _screenshot(browser: webdriver.Chrome, name: str) -> None:
    folder = os.environ.get("SERVICEDESK_CONSOLE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(folder) / f"{name}.png"))


def _sign_in(browser: webdriver.Chrome, desk: Desk, email: str = "ada@acme.example") -> None:
    browser.get(desk.base_url + "/console/")
    assert "/console/login" in browser.current_url
    _screenshot(browser, "sign-in")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    _navigate(browser, By.ID, "sign-in")
    assert browser.find_element(By.ID, "signed-in-as").text == "Ada Agent"


def _routed_ticket(desk: Desk, subject: str = "VPN drops after password change") -> str:
    """A ticket triage sent to review, with the reply it found in the knowledge base."""
    article = desk.api.post(
        "/api/v1/kb/articles",
        json={
            "title": "VPN disconnects after a password change",
            "body": SUGGESTION,
            "category": "Network",
            "tags": ["vpn", "password"],
        },
    )
    assert article.status_code == 201, article.text
    created = desk.api.post(
        "/api/v1/tickets",
        json={
            "subject": subject,
            "description": "Since I changed my password the VPN disconnects every minute.",
            "requester_email": "sam@acme.example",
            "status": "pending_agent",
        },
    )
    assert created.status_code == 201, created.text
    ticket = _triaged(desk, created.json())
    assert ticket["category"] == "Network"
    assert ticket["ai_suggested_response"] == SUGGESTION
    ticket_id: str = ticket["id"]
    return ticket_id


def _triaged(desk: Desk, ticket: dict[str, Any]) -> dict[str, Any]:
    """The ticket once triaged: on a busy machine the inline triage can run out of its
    budget, and the worker triages the ticket a moment later."""
    deadline = time.monotonic() + 30
    while ticket["category"] is None and time.monotonic() < deadline:
        time.sleep(0.2)
        ticket = desk.api.get(f"/api/v1/tickets/{ticket['id']}").json()
    return ticket


def test_an_agent_reviews_and_sends_the_ai_reply(browser: webdriver.Chrome, desk: Desk) -> None:
    ticket_id = _routed_ticket(desk)
    desk.api.post("/api/v1/tickets", json={"subject": "Printer jam", "description": "Tray 2."})
    _sign_in(browser, desk)

    queue = browser.find_element(By.ID, "tickets")
    assert "VPN drops after password change" in queue.text
    assert "Printer jam" not in queue.text  # not for review
    _screenshot(browser, "queue")
    _navigate(browser, By.LINK_TEXT, "VPN drops after password change")

    assert browser.find_element(By.ID, "ai-category").text == "Network"
    source = browser.find_element(By.ID, "ai-source").text
    assert source == "Reply from the article “VPN disconnects after a password change”"
    assert browser.find_element(By.ID, "suggested-reply").get_attribute("value") == SUGGESTION
    _screenshot(browser, "ticket")
    _navigate(browser, By.ID, "send-suggestion")

    assert browser.find_element(By.ID, "ticket-status").text == "Resolved"
    assert SUGGESTION in browser.find_element(By.ID, "notes").text
    assert "Ada Agent" in browser.find_element(By.ID, "history").text
    notes = desk.api.get(f"/api/v1/tickets/{ticket_id}/notes").json()["notes"]
    assert [(n["body"], n["private"], n["author"]) for n in notes] == [
        (SUGGESTION, False, f"user:{desk.agent_id}")
    ]
    assert desk.api.get(f"/api/v1/tickets/{ticket_id}").json()["status"] == "resolved"
    history = desk.api.get(f"/api/v1/tickets/{ticket_id}/history").json()["events"]
    assert f"user:{desk.agent_id}" in {event["actor"] for event in history}


def test_override_csrf_isolation_roles_and_sign_out(browser: webdriver.Chrome, desk: Desk) -> None:
    ticket_id = _routed_ticket(desk)
    foreign = desk.other_api.post(
        "/api/v1/tickets", json={"subject": "Globex only", "description": "Not for acme."}
    ).json()["id"]
    _sign_in(browser, desk)
    browser.get(f"{desk.base_url}/console/tickets/{ticket_id}")

    Select(browser.find_element(By.ID, "field-category")).select_by_visible_text("Hardware")
    _navigate(browser, By.ID, "save-properties")
    assert browser.find_element(By.ID, "ai-category").text == "Hardware"
    history = desk.api.get(f"/api/v1/tickets/{ticket_id}/history").json()["events"]
    override = [e for e in history if e["actor"] == f"user:{desk.agent_id}"]
    assert override[-1]["changes"]["category"] == {"old": "Network", "new": "Hardware"}

    # A form whose CSRF token is not the session's is refused, and changes nothing.
    browser.execute_script(
        "document.querySelector('#composer input[name=csrf_token]').value = 'forged';"
    )
    browser.find_element(By.ID, "note-body").send_keys("forged note")
    _navigate(browser, By.ID, "add-note")
    assert "Not allowed" in browser.find_element(By.TAG_NAME, "h1").text
    assert desk.api.get(f"/api/v1/tickets/{ticket_id}/notes").json()["total"] == 0

    browser.get(f"{desk.base_url}/console/tickets/{foreign}")
    assert "No such ticket." in browser.find_element(By.ID, "error-message").text
    assert "Not for acme" not in browser.page_source

    browser.get(f"{desk.base_url}/console/admin/users")
    assert "This page is for admins." in browser.find_element(By.ID, "error-message").text

    browser.get(f"{desk.base_url}/console/")
    _navigate(browser, By.ID, "sign-out")
    assert "/console/login" in browser.current_url
    browser.get(f"{desk.base_url}/console/views/all")
    assert "/console/login" in browser.current_url


def test_the_queue_and_the_ticket_fit_a_phone(browser: webdriver.Chrome, desk: Desk) -> None:
    ticket_id = _routed_ticket(desk)
    _sign_in(browser, desk)
    browser.set_window_size(390, 844)  # a phone's viewport, in CSS pixels

    for path in ("/console/", f"/console/tickets/{ticket_id}", "/console/dashboard"):
        browser.get(desk.base_url + path)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
        )
        assert overflow <= 1, f"{path} is {overflow} px wider than the screen"
    browser.get(f"{desk.base_url}/console/tickets/{ticket_id}")
    assert browser.find_element(By.ID, "send-suggestion").is_displayed()
    _screenshot(browser, "ticket-phone")

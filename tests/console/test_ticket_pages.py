"""The console's queues and ticket page: every action goes through the ticket service
with the user as actor, exactly as the API's changes do."""

from __future__ import annotations

import html
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from servicedesk.db.database import Database
from servicedesk.tickets.service import TicketService
from servicedesk.triage.models import TriageFeedback
from tests.conftest import KeyFactory, UserFactory
from tests.console.helpers import csrf_of, hidden_value, sign_in
from tests.helpers.hostile import HOSTILE_CURSORS

SUGGESTION = "Please restart the VPN client and sign in again."


async def _signed_in_agent(client: httpx.AsyncClient, make_user: UserFactory) -> uuid.UUID:
    agent = await make_user(email="agent@example.com", name="Ada Agent")
    assert (await sign_in(client, "agent@example.com")).status_code == 303
    return agent


async def _review_ticket(create_ticket: Any) -> dict[str, Any]:
    """A ticket triage routed to an agent, with a suggested reply."""
    ticket: dict[str, Any] = await create_ticket(status="pending_agent")
    return ticket


async def test_accepting_the_suggestion_replies_resolves_and_records_the_user(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_user: UserFactory,
    create_ticket: Any,
) -> None:
    agent = await _signed_in_agent(client, make_user)
    ticket = await _review_ticket(create_ticket)
    url = f"/api/v1/tickets/{ticket['id']}"
    await client.patch(url, headers=headers, json={"ai_suggested_response": SUGGESTION})
    page = await client.get(f"/console/tickets/{ticket['id']}")
    assert SUGGESTION in page.text
    token = await csrf_of(client, f"/console/tickets/{ticket['id']}")

    sent = await client.post(
        f"/console/tickets/{ticket['id']}/reply",
        data={"csrf_token": token, "body": SUGGESTION, "status": "resolved"},
    )

    assert sent.status_code == 303
    notes = (await client.get(f"{url}/notes", headers=headers)).json()["notes"]
    assert [(note["body"], note["private"], note["author"]) for note in notes] == [
        (SUGGESTION, False, f"user:{agent}")
    ]
    assert (await client.get(url, headers=headers)).json()["status"] == "resolved"
    history = (await client.get(f"{url}/history", headers=headers)).json()["events"]
    by_user = [event["type"] for event in history if event["actor"] == f"user:{agent}"]
    assert by_user == ["ticket.note_added", "ticket.updated"]
    page = await client.get(f"/console/tickets/{ticket['id']}")
    assert "Ada Agent" in page.text  # the timeline names the user


async def test_an_edited_reply_is_sent_and_kept_as_the_answer(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_user: UserFactory,
    create_ticket: Any,
    database: Database,
) -> None:
    await _signed_in_agent(client, make_user)
    ticket = await _review_ticket(create_ticket)
    url = f"/api/v1/tickets/{ticket['id']}"
    await client.patch(url, headers=headers, json={"ai_suggested_response": SUGGESTION})
    token = await csrf_of(client, f"/console/tickets/{ticket['id']}")

    edited = SUGGESTION + " If that fails, call the desk."
    await client.post(
        f"/console/tickets/{ticket['id']}/reply",
        data={"csrf_token": token, "body": edited, "status": "pending"},
    )

    stored = (await client.get(url, headers=headers)).json()
    assert stored["ai_suggested_response"] == edited
    assert stored["status"] == "pending"
    notes = (await client.get(f"{url}/notes", headers=headers)).json()["notes"]
    assert notes[0]["body"] == edited


async def test_a_category_override_is_recorded_as_feedback(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_user: UserFactory,
    create_ticket: Any,
    database: Database,
) -> None:
    agent = await _signed_in_agent(client, make_user)
    ticket = await create_ticket()
    token = await csrf_of(client, f"/console/tickets/{ticket['id']}")
    new_category = "Hardware" if ticket["category"] != "Hardware" else "Network"

    response = await client.post(
        f"/console/tickets/{ticket['id']}/fields",
        data={"csrf_token": token, "category": new_category, "status": ticket["status"]},
    )

    assert response.status_code == 303
    stored = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert stored["category"] == new_category
    feedback = await database.read(lambda session: session.scalars(select(TriageFeedback)).all())
    assert [(row.field, row.agent_value, row.actor) for row in feedback] == [
        ("category", new_category, f"user:{agent}")
    ]


async def test_assigning_from_the_ticket_page(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory, create_ticket: Any
) -> None:
    agent = await _signed_in_agent(client, make_user)
    ticket = await create_ticket()
    token = await csrf_of(client, f"/console/tickets/{ticket['id']}")

    await client.post(
        f"/console/tickets/{ticket['id']}/fields",
        data={"csrf_token": token, "assignee_id": str(agent), "status": ticket["status"]},
    )

    stored = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert stored["assignee_id"] == str(agent)
    mine = await client.get("/console/views/mine")
    assert ticket["subject"] in mine.text


async def test_a_stale_page_cannot_undo_another_agents_change(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory, create_ticket: Any
) -> None:
    """Bob's page shows the ticket before Carol set it urgent and open; his save of the
    assignee is refused (it would have put priority and status back), and goes through
    once made on the page as it now is."""
    bob = await _signed_in_agent(client, make_user)
    ticket = await create_ticket(priority="low")
    path = f"/console/tickets/{ticket['id']}"
    shown = (await client.get(path)).text
    carol = {"priority": "urgent", "status": "open"}
    await client.patch(f"/api/v1/tickets/{ticket['id']}", json=carol, headers=headers)

    form = {
        "csrf_token": hidden_value(shown, "csrf_token"),
        "version": hidden_value(shown, "version"),
        "assignee_id": str(bob),
        "status": ticket["status"],
        "priority": "low",
    }
    refused = await client.post(f"{path}/fields", data=form)
    stored = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    again = {**form, "version": hidden_value(refused.text, "version"), **carol}
    saved = await client.post(f"{path}/fields", data=again)
    after = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()

    assert refused.status_code == 409
    assert "Someone changed this ticket after you opened it" in refused.text
    assert (stored["priority"], stored["status"], stored["assignee_id"]) == ("urgent", "open", None)
    assert saved.status_code == 303
    assert (after["priority"], after["status"], after["assignee_id"]) == (
        "urgent",
        "open",
        str(bob),
    )


async def test_a_double_clicked_send_replies_once(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory, create_ticket: Any
) -> None:
    await _signed_in_agent(client, make_user)
    ticket = await _review_ticket(create_ticket)
    url = f"/api/v1/tickets/{ticket['id']}"
    await client.patch(url, headers=headers, json={"ai_suggested_response": SUGGESTION})
    page = (await client.get(f"/console/tickets/{ticket['id']}")).text
    form = {
        "csrf_token": hidden_value(page, "csrf_token"),
        "version": hidden_value(page, "version"),
        "body": SUGGESTION,
        "status": "resolved",
    }

    first = await client.post(f"/console/tickets/{ticket['id']}/reply", data=form)
    second = await client.post(f"/console/tickets/{ticket['id']}/reply", data=form)

    assert (first.status_code, second.status_code) == (303, 409)
    notes = (await client.get(f"{url}/notes", headers=headers)).json()["notes"]
    assert [note["body"] for note in notes] == [SUGGESTION]


async def test_a_refused_change_shows_why_and_writes_nothing(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory, create_ticket: Any
) -> None:
    await _signed_in_agent(client, make_user)
    ticket = await create_ticket()
    token = await csrf_of(client, f"/console/tickets/{ticket['id']}")

    response = await client.post(
        f"/console/tickets/{ticket['id']}/fields",
        data={"csrf_token": token, "assignee_id": str(uuid.uuid4())},
    )

    assert response.status_code == 422
    assert "assignee_id: is not a user of this tenant" in response.text
    stored = (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
    assert stored["assignee_id"] is None


async def test_another_tenants_ticket_is_404(
    client: httpx.AsyncClient, make_user: UserFactory, make_key: KeyFactory
) -> None:
    await _signed_in_agent(client, make_user)
    other = {"X-API-Key": await make_key(tenant="other")}
    foreign = await client.post(
        "/api/v1/tickets", headers=other, json={"subject": "Theirs", "description": "secret"}
    )

    page = await client.get(f"/console/tickets/{foreign.json()['id']}")
    token = await csrf_of(client)
    change = await client.post(
        f"/console/tickets/{foreign.json()['id']}/notes",
        data={"csrf_token": token, "body": "mine now"},
    )

    assert page.status_code == 404
    assert "secret" not in page.text
    assert change.status_code == 404
    assert "Theirs" not in (await client.get("/console/views/all")).text


async def test_every_user_supplied_text_is_escaped(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory, create_ticket: Any
) -> None:
    await _signed_in_agent(client, make_user)
    script = "<script>alert(1)</script>"
    ticket = await create_ticket(
        subject=script,
        description=f"<img src=x onerror=alert(2)> {script}",
        metadata={script: script},
    )
    await client.post(
        f"/api/v1/tickets/{ticket['id']}/notes", headers=headers, json={"body": script}
    )

    for path in (f"/console/tickets/{ticket['id']}", "/console/views/all"):
        page = await client.get(path)
        assert "<script>alert" not in page.text
        assert "<img src=x" not in page.text
        assert html.escape(script, quote=False) in page.text.replace("&#34;", '"')


async def test_the_requester_is_shown_by_the_name_their_mail_gave(
    client: httpx.AsyncClient, make_user: UserFactory, create_ticket: Any
) -> None:
    await _signed_in_agent(client, make_user)
    named = await create_ticket(
        requester_email="John.Smith@example.com",
        metadata={"source": "email", "email_from_name": "Smith, <b>John</b>"},
    )
    odd = await create_ticket(requester_email="sam@example.com", metadata={"email_from_name": 7})

    page = (await client.get(f"/console/tickets/{named['id']}")).text
    queue = (await client.get("/console/views/all")).text
    other = (await client.get(f"/console/tickets/{odd['id']}")).text

    shown = "Smith, &lt;b&gt;John&lt;/b&gt; &lt;John.Smith@example.com&gt;"
    assert f'<span id="ticket-requester">{shown}</span>' in page
    assert shown in queue
    assert '<span id="ticket-requester">sam@example.com</span>' in other


async def test_the_queues_count_and_filter(
    client: httpx.AsyncClient, make_user: UserFactory, create_ticket: Any
) -> None:
    await _signed_in_agent(client, make_user)
    await create_ticket(subject="Needs a person", status="pending_agent")
    await create_ticket(subject="Printer jam", status="open", priority="low")

    review = await client.get("/console/views/review")
    every = await client.get("/console/views/all?priority=low")
    searched = await client.get("/console/views/all?search=printer")
    unknown = await client.get("/console/views/nope")

    assert "Needs a person" in review.text
    assert "Printer jam" not in review.text
    assert 'id="view-review"' in review.text
    assert "Printer jam" in every.text
    assert "Needs a person" not in every.text
    assert "Printer jam" in searched.text
    assert unknown.status_code == 404


@pytest.mark.parametrize("cursor", [*HOSTILE_CURSORS, "not-a-cursor"])
async def test_an_undecodable_cursor_is_a_400_page(
    client: httpx.AsyncClient, make_user: UserFactory, cursor: str
) -> None:
    await _signed_in_agent(client, make_user)

    response = await client.get("/console/views/all", params={"cursor": cursor})

    assert response.status_code == 400
    assert 'id="error-message"' in response.text


async def test_a_reply_whose_field_change_fails_is_not_stored(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    make_user: UserFactory,
    create_ticket: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reply and its status change are one transaction (they were two: a reply could
    be stored, and mailed, while its status change failed)."""
    await _signed_in_agent(client, make_user)
    ticket = await _review_ticket(create_ticket)
    url = f"/api/v1/tickets/{ticket['id']}"
    token = await csrf_of(client, f"/console/tickets/{ticket['id']}")

    def failing_change(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the field change failed")

    monkeypatch.setattr(TicketService, "change", failing_change)
    failed = await client.post(
        f"/console/tickets/{ticket['id']}/reply",
        data={"csrf_token": token, "body": "Restart it.", "status": "resolved"},
    )
    monkeypatch.undo()
    refused = await client.post(
        f"/console/tickets/{ticket['id']}/reply",
        data={"csrf_token": token, "body": "Restart it.", "status": "archived"},
    )

    assert failed.status_code == 500
    assert refused.status_code == 422
    assert (await client.get(f"{url}/notes", headers=headers)).json()["notes"] == []
    assert (await client.get(url, headers=headers)).json()["status"] == "pending_agent"


async def test_a_blank_note_is_refused_with_its_reason(
    client: httpx.AsyncClient, headers: dict[str, str], make_user: UserFactory, create_ticket: Any
) -> None:
    await _signed_in_agent(client, make_user)
    ticket = await create_ticket()
    token = await csrf_of(client, f"/console/tickets/{ticket['id']}")

    refused = await client.post(
        f"/console/tickets/{ticket['id']}/notes",
        data={"csrf_token": token, "body": "   \n  ", "kind": "public"},
    )

    assert refused.status_code == 422
    assert "must not be blank" in refused.text
    notes = (await client.get(f"/api/v1/tickets/{ticket['id']}/notes", headers=headers)).json()
    assert notes["total"] == 0

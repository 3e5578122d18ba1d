"""GET /api/v1/tickets/{id}/history: every change with its actor, in order, agreeing
with the ticket even under concurrent PATCHes."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from servicedesk.auth.scopes import Scope

IGNORED = {"id", "created_at", "updated_at"}


def history_url(ticket_id: str) -> str:
    return f"/api/v1/tickets/{ticket_id}/history"


async def test_history_lists_creation_changes_and_notes_with_actors(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()
    url = f"/api/v1/tickets/{ticket['id']}"
    await client.patch(url, json={"status": "pending", "priority": "low"}, headers=headers)
    await client.patch(url, json={"status": "pending"}, headers=headers)  # no change
    await client.patch(url, json={"status": "closed"}, headers=headers)
    await client.post(f"{url}/notes", json={"body": "done", "private": False}, headers=headers)

    response = await client.get(history_url(ticket["id"]), headers=headers)

    assert response.status_code == 200
    events = response.json()["events"]
    assert [e["type"] for e in events] == [
        "ticket.created",
        "ticket.triaged",
        "ticket.updated",
        "ticket.updated",
        "ticket.closed",
        "ticket.note_added",
    ]
    assert all(e["id"].startswith("evt_") for e in events)
    assert [e["actor"].startswith("key_") for e in events] == [True, False, True, True, True, True]
    assert events[1]["actor"] == "triage"
    assert events[0]["changes"]["subject"] == {"old": None, "new": ticket["subject"]}
    # The creation as the creator sent it; triage's category follows.
    assert events[0]["changes"]["category"] == {"old": None, "new": None}
    assert events[1]["changes"]["category"] == {"old": None, "new": "Network"}
    assert events[1]["triage"]["engine"] == "local"
    events.pop(1)
    assert events[1]["changes"] == {
        "status": {"old": "open", "new": "pending"},
        "priority": {"old": "high", "new": "low"},
    }
    assert events[2]["changes"] == {"status": {"old": "pending", "new": "closed"}}
    assert events[4]["note"]["body"] == "done"
    assert events[4]["note"]["private"] is False
    assert events == sorted(events, key=lambda e: e["occurred_at"])


async def test_unknown_foreign_and_unscoped_callers(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, make_key: Any
) -> None:
    ticket = await create_ticket()
    foreign = {"X-API-Key": await make_key(tenant="other")}
    writer = {"X-API-Key": await make_key(scopes=(Scope.TICKETS_WRITE,))}
    gone = await client.get(history_url(ticket["id"]), headers=foreign)
    assert gone.status_code == 404
    assert gone.json() == {"detail": "Ticket not found"}
    assert (await client.get(history_url(ticket["id"]), headers=writer)).status_code == 403
    assert (await client.get(history_url("nope"), headers=headers)).status_code == 422


async def test_concurrent_patches_replay_to_the_ticket(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()
    url = f"/api/v1/tickets/{ticket['id']}"
    statuses = ["pending", "resolved", "open", "pending_agent", "ai_resolved", "closed"]
    patches = [
        {"status": statuses[n % len(statuses)], "subject": f"take {n}", "metadata": {f"k{n}": n}}
        for n in range(24)
    ]
    responses = await asyncio.gather(
        *(client.patch(url, json=body, headers=headers) for body in patches)
    )
    assert all(r.status_code == 200 for r in responses)

    events = (await client.get(history_url(ticket["id"]), headers=headers)).json()["events"]
    replayed: dict[str, Any] = {}
    for event in events:
        if event["type"] in ("ticket.closed", "ticket.reopened"):
            continue  # they label the ticket.updated just before, repeating its changes
        for field, change in (event["changes"] or {}).items():
            if event["type"] != "ticket.created":
                assert replayed[field] == change["old"], f"{field} jumped in {event['id']}"
            replayed[field] = change["new"]
    final = (await client.get(url, headers=headers)).json()
    assert replayed == {k: v for k, v in final.items() if k not in IGNORED}
    assert len([e for e in events if e["type"] == "ticket.updated"]) == 24

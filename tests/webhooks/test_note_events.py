"""`ticket.note_added` reaches a subscribed receiver, with the ticket and the note."""

from __future__ import annotations

from typing import Any

import httpx

from tests.fakes.webhook_receiver import WebhookReceiver


async def test_a_note_is_delivered_as_ticket_note_added(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    create_ticket: Any,
    receiver: WebhookReceiver,
    subscribe: Any,
) -> None:
    await subscribe(receiver, events=["ticket.note_added"])
    ticket = await create_ticket()
    note = await client.post(
        f"/api/v1/tickets/{ticket['id']}/notes",
        json={"body": "We are on it.", "private": False},
        headers=headers,
    )

    received = await receiver.wait_for(1)

    event = received[0].event
    assert event["type"] == "ticket.note_added"
    assert event["data"]["id"] == ticket["id"]
    assert event["data"]["note"] == note.json()
    assert len(receiver.requests) == 1  # only the subscribed type

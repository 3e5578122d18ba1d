"""An installation filled through the API, for the tests that move one (db copy, export
and import), and a client on any installation's settings."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

from servicedesk.app import create_app
from servicedesk.config import Settings
from tests.fakes.webhook_receiver import WebhookReceiver

ATTACHMENT = b"%PDF-1.4 the router's config, as the requester sent it\n" * 40


@contextlib.asynccontextmanager
async def client_on(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def fill(
    client: httpx.AsyncClient, headers: dict[str, str], receiver: WebhookReceiver
) -> dict[str, Any]:
    """A custom field, a webhook, three tickets (one with a note that has a file)."""
    field = await client.post(
        "/api/v1/custom-fields",
        json={"name": "department", "label": "Department", "type": "text"},
        headers=headers,
    )
    assert field.status_code == 201, field.text
    hook = await client.post(
        "/api/v1/webhooks",
        json={"url": receiver.url, "events": ["ticket.created"]},
        headers=headers,
    )
    assert hook.status_code == 201, hook.text
    tickets = []
    for subject in ("Printer jammed on floor 3", "VPN tunnel drops", "Café wifi slow"):
        created = await client.post(
            "/api/v1/tickets",
            json={
                "subject": subject,
                "description": f"{subject}, since this morning.",
                "requester_email": "alex@example.com",
                "custom_fields": {"department": "Finance"},
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
        tickets.append(created.json())
    note = await client.post(
        f"/api/v1/tickets/{tickets[1]['id']}/notes",
        data={"body": "Rebooted the concentrator."},
        files={"attachments": ("router.pdf", ATTACHMENT, "application/pdf")},
        headers=headers,
    )
    assert note.status_code == 201, note.text
    return {"tickets": tickets, "webhook": hook.json()}


async def observed(
    client: httpx.AsyncClient, headers: dict[str, str], filled: dict[str, Any]
) -> Any:
    """What the API shows of a filled tenant: compared before and after a move."""
    tickets = [
        (await client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers)).json()
        for ticket in filled["tickets"]
    ]
    with_note = filled["tickets"][1]["id"]
    notes = (await client.get(f"/api/v1/tickets/{with_note}/notes", headers=headers)).json()
    files = (await client.get(f"/api/v1/tickets/{with_note}/attachments", headers=headers)).json()
    contents = [
        (await client.get(f"/api/v1/attachments/{file['id']}", headers=headers)).content
        for file in files["attachments"]
    ]
    found = await client.get("/api/v1/tickets", params={"search": "concentrator"}, headers=headers)
    return {
        "tickets": tickets,
        "listed": (await client.get("/api/v1/tickets", headers=headers)).json(),
        "notes": notes,
        "attachments": files,
        "contents": contents,
        "found": [t["id"] for t in found.json()["tickets"]],
        "webhooks": (await client.get("/api/v1/webhooks", headers=headers)).json(),
        "fields": (await client.get("/api/v1/custom-fields", headers=headers)).json(),
        "history": (
            await client.get(f"/api/v1/tickets/{with_note}/history", headers=headers)
        ).json(),
    }

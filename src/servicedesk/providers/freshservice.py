"""The Freshservice API v2 client (https://api.freshservice.com/).

Tickets live at `/api/v2/tickets` in `{"ticket": {...}}` envelopes, with Basic auth of
the API key (any password), numeric statuses (2 Open, 3 Pending, 4 Resolved, 5 Closed)
and priorities (1 Low … 4 Urgent), and the requester named by e-mail. A validation
failure is 400 `{"description": "Validation failed", "errors": [{"field", "message",
"code"}]}`. Freshservice has no idempotency key, so each ticket carries a tag naming our
id and a retried create first filters by that tag.
"""

from __future__ import annotations

import html
import uuid
from typing import Any

import httpx

from servicedesk.providers.base import (
    CallResult,
    FindResult,
    InboundChange,
    OutboundTicket,
    TicketApiClient,
    reverse,
    tracking_tag,
)

KIND = "freshservice"
MAX_CODE_DIGITS = 3
PORTAL_SOURCE = 2

STATUSES: dict[str, object] = {
    "open": 2,
    "pending": 3,
    "resolved": 4,
    "closed": 5,
    "ai_resolved": 4,
    "pending_agent": 2,
}
PRIORITIES: dict[str, object] = {"low": 1, "medium": 2, "high": 3, "urgent": 4}
_STATUS_BACK = reverse(STATUSES)
_PRIORITY_BACK = reverse(PRIORITIES)
# Workflow Automator placeholders render names ("Open"), the API numbers: accept both.
_STATUS_NAMES = {"open": 2, "pending": 3, "resolved": 4, "closed": 5}
_PRIORITY_NAMES = {"low": 1, "medium": 2, "high": 3, "urgent": 4}


def as_html(text: str) -> str:
    """Our plain text as the HTML Freshservice reads `description` and note bodies as
    ("HTML content of the ticket", api.freshservice.com/#create_ticket): escaped, so
    `<config>` stays visible text, and each line break a `<br>` (HTML collapses them)."""
    escaped = html.escape(text, quote=False)
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>\n")


class FreshserviceClient(TicketApiClient):
    kind = KIND
    vendor = "Freshservice"

    def __init__(self, http: httpx.AsyncClient, base_url: str, api_key: str) -> None:
        super().__init__(http, base_url, httpx.BasicAuth(api_key, "X"))

    async def create(self, ticket: OutboundTicket) -> CallResult:
        body: dict[str, Any] = {
            "subject": ticket.subject,
            "description": as_html(ticket.description),
            "status": STATUSES[ticket.status],
            "priority": PRIORITIES[ticket.priority or "medium"],
            "source": PORTAL_SOURCE,
            "tags": [tracking_tag(ticket.ticket_id)],
        }
        if ticket.requester_email:
            body["email"] = ticket.requester_email
        if values := ticket.custom_fields_with_values():
            body["custom_fields"] = values
        return await self._send("POST", "/api/v2/tickets", json=body)

    async def update(self, external_id: str, ticket: OutboundTicket) -> CallResult:
        body: dict[str, Any] = {
            "subject": ticket.subject,
            "description": as_html(ticket.description),
            "status": STATUSES[ticket.status],
        }
        if ticket.priority:
            body["priority"] = PRIORITIES[ticket.priority]
        if ticket.custom_fields:
            body["custom_fields"] = dict(ticket.custom_fields)  # None clears a value
        return await self._send("PUT", f"/api/v2/tickets/{external_id}", json=body)

    async def add_note(self, external_id: str, body: str, *, private: bool) -> CallResult:
        body = as_html(body)
        if private:
            path, payload = f"/api/v2/tickets/{external_id}/notes", {"body": body, "private": True}
        else:
            path, payload = f"/api/v2/tickets/{external_id}/reply", {"body": body}
        return await self._send("POST", path, json=payload, about=external_id)

    async def find(self, ticket_id: uuid.UUID) -> FindResult:
        query = f"\"tag:'{tracking_tag(ticket_id)}'\""
        return await self._first_found("/api/v2/tickets/filter", {"query": query})

    def ticket_url(self, external_id: str) -> str:
        return f"{self.base_url}/a/tickets/{external_id}"

    def validation_message(self, response: httpx.Response) -> str | None:
        return _validation_message(response)


def parse_inbound(payload: dict[str, object]) -> InboundChange | None:
    """Reads `{"ticket_id", "status", "priority"}` as a Workflow Automator webhook
    sends it (values as numbers or as the names its placeholders render)."""
    ticket_id = payload.get("ticket_id") or payload.get("id")
    if ticket_id is None or str(ticket_id).strip() == "":
        return None
    status = _code(payload.get("status"), _STATUS_NAMES)
    priority = _code(payload.get("priority"), _PRIORITY_NAMES)
    return InboundChange(
        external_ticket_id=str(ticket_id).strip().removeprefix("#SR-").removeprefix("#INC-"),
        status=_STATUS_BACK.get(status) if status is not None else None,
        priority=_PRIORITY_BACK.get(priority) if priority is not None else None,
    )


def _code(value: object, names: dict[str, int]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip().lower()
    # ASCII digits only, and few: str.isdigit() also holds for "²" and "٣", which int()
    # refuses or reads, and int() refuses over 4,300 digits.
    if text.isascii() and text.isdigit() and len(text) <= MAX_CODE_DIGITS:
        return int(text)
    return names.get(text)


def _validation_message(response: httpx.Response) -> str | None:
    """The vendor's words for a 400, e.g. "email: It should be a valid email address"."""
    if response.status_code != 400:
        return None
    try:
        body = response.json()
    except ValueError:
        return response.text[:500] or "Freshservice rejected the ticket"
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors:
        parts = [
            f"{error.get('field')}: {error.get('message')}"
            if error.get("field")
            else str(error.get("message"))
            for error in errors
            if isinstance(error, dict)
        ]
        return "; ".join(parts)
    if isinstance(body, dict) and body.get("description"):
        return str(body["description"])
    return "Freshservice rejected the ticket"

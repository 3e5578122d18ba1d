"""The Zendesk Support API client (https://developer.zendesk.com/api-reference/).

Tickets live at `/api/v2/tickets.json` in `{"ticket": {...}}` envelopes, with Basic auth
of `{agent e-mail}/token:{API token}`, named statuses (new, open, pending, hold, solved,
closed) and priorities (low, normal, high, urgent); the description is the first comment.
A validation failure is 422 `{"error": "RecordInvalid", "details": {field: [{
"description"}]}}`. Creates carry an `Idempotency-Key` and `external_id` of our id, so a
retried create is answered with the ticket the first one made.
"""

from __future__ import annotations

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

KIND = "zendesk"

STATUSES: dict[str, object] = {
    "open": "open",
    "pending": "pending",
    "resolved": "solved",
    "closed": "closed",
    "ai_resolved": "solved",
    "pending_agent": "open",
}
PRIORITIES: dict[str, object] = {
    "low": "low",
    "medium": "normal",
    "high": "high",
    "urgent": "urgent",
}
# Zendesk's own states without a twin here: `new` is unworked (open), `hold` waits on a
# third party (pending).
_STATUS_BACK = {**reverse(STATUSES), "new": "open", "hold": "pending"}
_PRIORITY_BACK = reverse(PRIORITIES)


class ZendeskClient(TicketApiClient):
    kind = KIND
    vendor = "Zendesk"

    def __init__(
        self, http: httpx.AsyncClient, base_url: str, agent_email: str, api_token: str
    ) -> None:
        super().__init__(http, base_url, httpx.BasicAuth(f"{agent_email}/token", api_token))

    async def create(self, ticket: OutboundTicket) -> CallResult:
        body: dict[str, Any] = {
            "subject": ticket.subject,
            "comment": {"body": ticket.description},
            "status": STATUSES[ticket.status],
            "external_id": str(ticket.ticket_id),
            "tags": [tracking_tag(ticket.ticket_id)],
        }
        if ticket.priority:
            body["priority"] = PRIORITIES[ticket.priority]
        if ticket.requester_email:
            body["requester"] = {
                "email": ticket.requester_email,
                "name": ticket.requester_email.split("@")[0],
            }
        if values := _custom_fields(ticket.custom_fields_with_values()):
            body["custom_fields"] = values
        headers = {"Idempotency-Key": str(ticket.ticket_id)}
        return await self._send(
            "POST", "/api/v2/tickets.json", json={"ticket": body}, headers=headers
        )

    async def update(self, external_id: str, ticket: OutboundTicket) -> CallResult:
        # The description is the ticket's first comment, which Zendesk never edits.
        body: dict[str, Any] = {"subject": ticket.subject, "status": STATUSES[ticket.status]}
        if ticket.priority:
            body["priority"] = PRIORITIES[ticket.priority]
        if values := _custom_fields(ticket.custom_fields):
            body["custom_fields"] = values
        return await self._send("PUT", f"/api/v2/tickets/{external_id}.json", json={"ticket": body})

    async def add_note(self, external_id: str, body: str, *, private: bool) -> CallResult:
        comment = {"comment": {"body": body, "public": not private}}
        return await self._send(
            "PUT", f"/api/v2/tickets/{external_id}.json", json={"ticket": comment}
        )

    async def find(self, ticket_id: uuid.UUID) -> FindResult:
        return await self._first_found("/api/v2/tickets.json", {"external_id": str(ticket_id)})

    def ticket_url(self, external_id: str) -> str:
        return f"{self.base_url}/agent/tickets/{external_id}"

    def validation_message(self, response: httpx.Response) -> str | None:
        return _validation_message(response)

    def may_have_been_done(self, response: httpx.Response) -> bool:
        """400 `IdempotentRequestError`: the create's Idempotency-Key (our ticket's id)
        was used within Zendesk's two hours with another body, so the first request
        may have made the ticket. Not a content error: the retry looks the ticket up
        by `external_id` first (it was a rejection until 2026-12-03, and the next PATCH
        created a second ticket once the key had expired)."""
        if response.status_code != 400:
            return False
        try:
            body = response.json()
        except ValueError:
            return False
        return isinstance(body, dict) and body.get("error") == "IdempotentRequestError"


def _custom_fields(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Zendesk's form: `[{"id": <ticket field id>, "value": ...}]`; null clears a value."""
    return [{"id": int(field_id), "value": value} for field_id, value in values.items()]


def parse_inbound(payload: dict[str, object]) -> InboundChange | None:
    """Reads `{"ticket_id", "status", "priority"}` as a trigger's webhook sends it
    from the placeholders {{ticket.id}}, {{ticket.status}}, {{ticket.priority}}."""
    ticket_id = payload.get("ticket_id") or payload.get("id")
    if ticket_id is None or str(ticket_id).strip() == "":
        return None
    status = str(payload.get("status") or "").strip().lower()
    priority = str(payload.get("priority") or "").strip().lower()
    return InboundChange(
        external_ticket_id=str(ticket_id).strip(),
        status=_STATUS_BACK.get(status),
        priority=_PRIORITY_BACK.get(priority),
    )


def _validation_message(response: httpx.Response) -> str | None:
    """The vendor's words for a 400/422, e.g. "Requester: cannot be blank"."""
    if response.status_code not in (400, 422):
        return None
    try:
        body = response.json()
    except ValueError:
        return response.text[:500] or "Zendesk rejected the ticket"
    if not isinstance(body, dict):
        return "Zendesk rejected the ticket"
    details = body.get("details")
    if isinstance(details, dict) and details:
        messages = [
            str(item.get("description") or item.get("error"))
            for items in details.values()
            if isinstance(items, list)
            for item in items
            if isinstance(item, dict)
        ]
        if messages:
            return "; ".join(messages)
    return str(body.get("description") or body.get("error") or "Zendesk rejected the ticket")

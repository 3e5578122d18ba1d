"""The event names a webhook can subscribe to, and its own test event."""

from __future__ import annotations

from servicedesk.tickets.events import TicketEventType

SUBSCRIBABLE = tuple(TicketEventType)
ALL_TICKET_EVENTS = "ticket.*"
# Sent only by POST /webhooks/{id}/test, to that one endpoint.
WEBHOOK_TEST = "webhook.test"
VALID_EVENTS = (ALL_TICKET_EVENTS, *(event.value for event in SUBSCRIBABLE))

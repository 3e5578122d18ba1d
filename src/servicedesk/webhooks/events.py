"""The event names a webhook can subscribe to, and its own test event."""

from __future__ import annotations

from enum import StrEnum

from servicedesk.tickets.events import TicketEventType

SUBSCRIBABLE = tuple(TicketEventType)
ALL_TICKET_EVENTS = "ticket.*"
# Sent only by POST /webhooks/{id}/test, to that one endpoint.
WEBHOOK_TEST = "webhook.test"
VALID_EVENTS = (ALL_TICKET_EVENTS, *(event.value for event in SUBSCRIBABLE))


# What a webhook can subscribe to: every ticket event, or all of them (`ticket.*`). Named
# in OpenAPI for generated clients; built from TicketEventType, so a new ticket event is
# subscribable without a second list to keep in step.
WebhookEvent = StrEnum(  # type: ignore[misc]  # members from TicketEventType
    "WebhookEvent", {"ALL": ALL_TICKET_EVENTS, **{e.name: e.value for e in TicketEventType}}
)

"""The event names a webhook can subscribe to, and its own test event."""

from __future__ import annotations

from enum import StrEnum

from servicedesk.tickets.events import TicketEventType

SUBSCRIBABLE = tuple(TicketEventType)
ALL_TICKET_EVENTS = "ticket.*"
# Sent only by POST /webhooks/{id}/test, to that one endpoint.
WEBHOOK_TEST = "webhook.test"
VALID_EVENTS = (ALL_TICKET_EVENTS, *(event.value for event in SUBSCRIBABLE))


class WebhookEvent(StrEnum):
    """What a webhook can subscribe to: every ticket event, or all of them (`ticket.*`).
    Named in OpenAPI for generated clients; a test holds it equal to VALID_EVENTS."""

    ALL = "ticket.*"
    CREATED = "ticket.created"
    UPDATED = "ticket.updated"
    CLOSED = "ticket.closed"
    REOPENED = "ticket.reopened"
    NOTE_ADDED = "ticket.note_added"
    TRIAGED = "ticket.triaged"
    SYNC_FAILED = "ticket.sync_failed"
    ASSIGNED = "ticket.assigned"
    SLA_WARNING = "ticket.sla_warning"
    SLA_BREACHED = "ticket.sla_breached"

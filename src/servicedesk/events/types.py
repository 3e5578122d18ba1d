"""The names of the domain events, as subscribers see them."""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    TICKET_CREATED = "ticket.created"
    TICKET_UPDATED = "ticket.updated"
    TICKET_CLOSED = "ticket.closed"
    TICKET_REOPENED = "ticket.reopened"
    TICKET_NOTE_ADDED = "ticket.note_added"
    TICKET_TRIAGED = "ticket.triaged"
    TICKET_SYNC_FAILED = "ticket.sync_failed"
    # Sent only by POST /webhooks/{id}/test, to that one endpoint.
    WEBHOOK_TEST = "webhook.test"


SUBSCRIBABLE = tuple(event for event in EventType if event is not EventType.WEBHOOK_TEST)
ALL_TICKET_EVENTS = "ticket.*"

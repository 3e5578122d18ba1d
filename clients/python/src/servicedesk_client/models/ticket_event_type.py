from enum import StrEnum


class TicketEventType(StrEnum):
    TICKET_ASSIGNED = "ticket.assigned"
    TICKET_CLOSED = "ticket.closed"
    TICKET_CREATED = "ticket.created"
    TICKET_NOTE_ADDED = "ticket.note_added"
    TICKET_REOPENED = "ticket.reopened"
    TICKET_SLA_BREACHED = "ticket.sla_breached"
    TICKET_SLA_WARNING = "ticket.sla_warning"
    TICKET_SYNC_FAILED = "ticket.sync_failed"
    TICKET_TRIAGED = "ticket.triaged"
    TICKET_UPDATED = "ticket.updated"

    def __str__(self) -> str:
        return str(self.value)

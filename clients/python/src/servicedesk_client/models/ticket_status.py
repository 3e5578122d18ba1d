from enum import StrEnum


class TicketStatus(StrEnum):
    AI_RESOLVED = "ai_resolved"
    CLOSED = "closed"
    OPEN = "open"
    PENDING = "pending"
    PENDING_AGENT = "pending_agent"
    RESOLVED = "resolved"

    def __str__(self) -> str:
        return str(self.value)

from enum import StrEnum


class TicketOrder(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    SLA_DUE = "sla_due"
    UPDATED = "updated"

    def __str__(self) -> str:
        return str(self.value)

from enum import StrEnum


class SyncStatus(StrEnum):
    FAILED = "failed"
    PENDING = "pending"
    SYNCED = "synced"

    def __str__(self) -> str:
        return str(self.value)

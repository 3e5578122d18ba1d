from enum import StrEnum


class UserRole(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"

    def __str__(self) -> str:
        return str(self.value)

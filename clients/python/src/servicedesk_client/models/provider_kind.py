from enum import StrEnum


class ProviderKind(StrEnum):
    FRESHSERVICE = "freshservice"
    ZENDESK = "zendesk"

    def __str__(self) -> str:
        return str(self.value)

from enum import StrEnum


class SlaReportGroupBy(StrEnum):
    GROUP = "group"
    POLICY = "policy"
    PRIORITY = "priority"

    def __str__(self) -> str:
        return str(self.value)

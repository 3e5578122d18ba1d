from enum import StrEnum


class TriageEngine(StrEnum):
    LLM = "llm"
    LOCAL = "local"

    def __str__(self) -> str:
        return str(self.value)

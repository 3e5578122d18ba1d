from enum import StrEnum


class CustomFieldType(StrEnum):
    CHECKBOX = "checkbox"
    DATE = "date"
    DROPDOWN = "dropdown"
    MULTI_SELECT = "multi_select"
    NUMBER = "number"
    TEXT = "text"
    TEXTAREA = "textarea"
    URL = "url"

    def __str__(self) -> str:
        return str(self.value)

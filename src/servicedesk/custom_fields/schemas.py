"""Bodies of /api/v1/custom-fields."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from servicedesk.custom_fields.values import CHOICE_TYPES, CustomFieldError, check_value
from servicedesk.validation import Storable, StorableJson, storable_json


class CustomFieldType(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    NUMBER = "number"
    DROPDOWN = "dropdown"
    MULTI_SELECT = "multi_select"
    CHECKBOX = "checkbox"
    DATE = "date"
    URL = "url"


FieldType = CustomFieldType
Label = Annotated[str, Field(min_length=1, max_length=255), Storable]
Choice = Annotated[str, Field(min_length=1, max_length=255), Storable]

NAME_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"


class _Rules(BaseModel):
    """What both create and PATCH check: choices belong to the select types, and a
    default must itself be a valid value."""

    def _check_rules(self, field_type: str, name: str) -> None:
        choices = getattr(self, "choices", None)
        if field_type in CHOICE_TYPES and not choices:
            raise ValueError(f"choices are required for a {field_type} field")
        if field_type not in CHOICE_TYPES and choices:
            raise ValueError(f"choices are only for dropdown and multi_select, not {field_type}")
        if choices and len(set(choices)) != len(choices):
            raise ValueError("choices must not repeat")
        default = getattr(self, "default_value", None)
        if default is not None:
            try:
                storable_json(default)
            except ValueError as error:
                raise ValueError(f"default_value {error}") from None
            probe = _Probe(name, field_type, choices)
            try:
                check_value(probe, default)
            except CustomFieldError as error:
                raise ValueError(f"default_value {error.message}") from None


class _Probe:
    def __init__(self, name: str, field_type: str, choices: list[str] | None) -> None:
        self.name, self.type, self.choices = name, field_type, choices
        self.required, self.default_value = False, None


class CustomFieldCreate(_Rules):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "department",
                    "label": "Department",
                    "type": "dropdown",
                    "required": True,
                    "choices": ["IT", "HR", "Finance"],
                    "default_value": "IT",
                }
            ]
        },
    )

    name: str = Field(
        pattern=NAME_PATTERN,
        description="Machine name, unique in the tenant: the key in a ticket's `custom_fields`.",
    )
    label: Label
    type: FieldType
    required: bool = False
    choices: list[Choice] | None = Field(default=None, max_length=500)
    default_value: Any = None

    @model_validator(mode="after")
    def _rules(self) -> CustomFieldCreate:
        self._check_rules(self.type, self.name)
        return self


class CustomFieldUpdate(BaseModel):
    """PATCH: `label`, `required`, `choices`, `default_value`; `name` and `type` are fixed."""

    model_config = ConfigDict(extra="forbid")

    label: Label | None = None
    required: bool | None = None
    choices: list[Choice] | None = Field(default=None, max_length=500)
    # Checked against the field's type in the service; a database must store it first.
    default_value: Annotated[Any, StorableJson] = None


class CustomFieldOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    label: str
    type: FieldType
    required: bool
    choices: list[str] | None
    default_value: Any
    created_at: datetime
    updated_at: datetime


class CustomFieldList(BaseModel):
    custom_fields: list[CustomFieldOut]


class ValuesIn(BaseModel):
    custom_fields: Annotated[dict[str, Any], StorableJson]


class ValuesOk(BaseModel):
    valid: Literal[True] = True
    custom_fields: dict[str, Any] = Field(description="The values as a create would store them.")

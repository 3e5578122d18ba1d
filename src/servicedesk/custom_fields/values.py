"""Checking custom field values against their definitions (pure functions, no I/O).

Each problem is reported the way FastAPI reports a body error, located at
`["body", "custom_fields", <name>]`, so a 422 names the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

import httpx

TEXT_MAX = 255
TEXTAREA_MAX = 65_536
FIELD_TYPES = ("text", "textarea", "number", "dropdown", "multi_select", "checkbox", "date", "url")
CHOICE_TYPES = ("dropdown", "multi_select")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Definition(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def required(self) -> bool: ...
    @property
    def choices(self) -> list[str] | None: ...
    @property
    def default_value(self) -> Any: ...


class CustomFieldError(ValueError):
    """One value that does not fit its definition (or names no definition)."""

    def __init__(self, name: str, message: str, value: Any) -> None:
        super().__init__(message)
        self.name, self.message, self.value = name, message, value

    def as_error(self, prefix: tuple[str, ...] = ("body", "custom_fields")) -> dict[str, Any]:
        return {"type": "value_error", "loc": (*prefix, self.name), "msg": self.message}


def check_value(definition: Definition, value: Any) -> Any:
    """The value if it fits the definition's type and choices; raises CustomFieldError."""
    problem = _problem(definition, value)
    if problem is not None:
        raise CustomFieldError(definition.name, problem, value)
    return value


def _problem(definition: Definition, value: Any) -> str | None:
    kind = definition.type
    if kind in ("text", "textarea"):
        limit = TEXT_MAX if kind == "text" else TEXTAREA_MAX
        if not isinstance(value, str) or "\x00" in value:
            return f"must be a string of text ({kind})"
        return None if len(value) <= limit else f"must be at most {limit} characters"
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok and value == value and abs(value) != float("inf") else "must be a number"
    if kind == "checkbox":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "date":
        return None if isinstance(value, str) and _is_date(value) else "must be a date YYYY-MM-DD"
    if kind == "url":
        return None if isinstance(value, str) and _is_url(value) else "must be an http(s) URL"
    if kind == "dropdown":
        return None if value in (definition.choices or []) else _not_a_choice(definition)
    if kind == "multi_select":
        if not isinstance(value, list) or not all(v in (definition.choices or []) for v in value):
            return "must be a list of: " + ", ".join(definition.choices or [])
        return None if len(set(value)) == len(value) else "must not repeat a choice"
    return f"has unknown type {kind}"


def _not_a_choice(definition: Definition) -> str:
    return "must be one of: " + ", ".join(definition.choices or [])


def _is_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_url(value: str) -> bool:
    if len(value) > 2048:
        return False
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, TypeError):
        return False
    return url.scheme in ("http", "https") and bool(url.host)


def resolve_on_create(
    definitions: Mapping[str, Definition], values: Mapping[str, Any]
) -> tuple[dict[str, Any], list[CustomFieldError]]:
    """The values to store (with defaults filled in) and every problem found."""
    errors = _check_given(definitions, values)
    resolved = {name: value for name, value in values.items() if value is not None}
    for name, definition in definitions.items():
        if name in resolved:
            continue
        if definition.default_value is not None:
            resolved[name] = definition.default_value
        elif definition.required:
            errors.append(CustomFieldError(name, "is required", None))
    return resolved, errors


def resolve_on_update(
    definitions: Mapping[str, Definition],
    current: Mapping[str, Any],
    patch: Mapping[str, Any],
) -> tuple[dict[str, Any], list[CustomFieldError]]:
    """Merge `patch` key by key into `current` (null removes) and check the result's
    changed keys; a required field may not be removed."""
    errors = _check_given(definitions, patch)
    merged = dict(current)
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
            if name in definitions and definitions[name].required:
                errors.append(CustomFieldError(name, "is required and cannot be removed", None))
        else:
            merged[name] = value
    return merged, errors


def _check_given(
    definitions: Mapping[str, Definition], values: Mapping[str, Any]
) -> list[CustomFieldError]:
    errors = []
    for name, value in values.items():
        definition = definitions.get(name)
        if definition is None:
            if value is not None:  # removing a value whose definition is gone is fine
                errors.append(CustomFieldError(name, "is not a custom field", value))
            continue
        if value is not None:
            try:
                check_value(definition, value)
            except CustomFieldError as error:
                errors.append(error)
    return errors

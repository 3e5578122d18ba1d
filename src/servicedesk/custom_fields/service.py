"""The rules of custom field definitions, and resolving a ticket's values against them.

Definitions are part of the tenant's configuration (`DEFINITIONS`): each change moves its
version, so every process checks the next ticket against them. Removing a field's values
from tickets is a change to those tickets, made by `servicedesk.tickets`.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from servicedesk import tenant_config
from servicedesk.custom_fields import values
from servicedesk.custom_fields.models import CustomFieldDefinition
from servicedesk.custom_fields.repository import CustomFieldRepository
from servicedesk.custom_fields.schemas import CustomFieldCreate, CustomFieldUpdate
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.errors import Conflict, CustomFieldNotFound, InvalidCustomField, ValidationFailed
from servicedesk.tenant_config import ConfigPart


@dataclass(frozen=True, slots=True)
class Definition:
    """A definition as the tenant's configuration keeps it (`values.Definition`)."""

    id: str
    name: str
    type: str
    required: bool
    choices: list[str] | None
    default_value: Any


Definitions = Mapping[str, Definition]


def _frozen(row: CustomFieldDefinition) -> Definition:
    choices = list(row.choices) if row.choices is not None else None
    return Definition(row.id, row.name, row.type, row.required, choices, row.default_value)


def _load_definitions(session: Session, tenant_id: uuid.UUID) -> Definitions:
    return {row.name: _frozen(row) for row in CustomFieldRepository(session, tenant_id).in_order()}


DEFINITIONS: ConfigPart[Definitions] = ConfigPart("custom_fields", _load_definitions)


async def list_definitions(
    database: Database, tenant_id: uuid.UUID
) -> Sequence[CustomFieldDefinition]:
    return await database.read(lambda session: CustomFieldRepository(session, tenant_id).in_order())


async def get_definition(
    database: Database, tenant_id: uuid.UUID, field_id: str
) -> CustomFieldDefinition:
    return await database.read(partial(_require, tenant_id=tenant_id, field_id=field_id))


def require(session: Session, tenant_id: uuid.UUID, field_id: str) -> CustomFieldDefinition:
    """The definition, locked for the caller's unit (404 if the tenant has none)."""
    return _require(session, tenant_id=tenant_id, field_id=field_id, for_update=True)


def _require(
    session: Session, *, tenant_id: uuid.UUID, field_id: str, for_update: bool = False
) -> CustomFieldDefinition:
    definition = CustomFieldRepository(session, tenant_id).get(field_id, for_update=for_update)
    if definition is None:
        raise CustomFieldNotFound()
    return definition


async def create_definition(
    database: Database, tenant_id: uuid.UUID, data: CustomFieldCreate
) -> CustomFieldDefinition:
    def create(session: Session) -> CustomFieldDefinition:
        now = utcnow()
        definition = CustomFieldDefinition(
            id=f"cf_{secrets.token_hex(8)}",
            tenant_id=tenant_id,
            name=data.name,
            label=data.label,
            type=data.type,
            required=data.required,
            choices=data.choices,
            default_value=data.default_value,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(definition)
        except IntegrityError:
            raise Conflict(f"A custom field named {data.name} exists") from None
        tenant_config.bump(session, tenant_id)
        return definition

    return await database.write(create, tenant_id=tenant_id)


async def update_definition(
    database: Database, tenant_id: uuid.UUID, field_id: str, patch: CustomFieldUpdate
) -> CustomFieldDefinition:
    changes = {name: getattr(patch, name) for name in patch.model_fields_set}
    if not changes:
        raise InvalidCustomField("No valid fields to update")
    for name in ("label", "required"):
        if name in changes and changes[name] is None:
            raise InvalidCustomField(f"{name} may not be null")

    def update(session: Session) -> CustomFieldDefinition:
        definition = _require(session, tenant_id=tenant_id, field_id=field_id, for_update=True)
        checked = _checked_update(definition, changes)
        for name, value in changes.items():
            setattr(definition, name, value)
        definition.choices = checked.choices
        definition.updated_at = utcnow()
        tenant_config.bump(session, tenant_id)
        return definition

    return await database.write(update, tenant_id=tenant_id)


def _checked_update(
    definition: CustomFieldDefinition, changes: dict[str, Any]
) -> CustomFieldCreate:
    """The definition as the PATCH would leave it, checked by the create rules."""
    try:
        return CustomFieldCreate(
            name=definition.name,
            label=changes.get("label") or definition.label,
            type=definition.type,
            choices=changes.get("choices", definition.choices),
            default_value=changes.get("default_value", definition.default_value),
        )
    except ValueError as error:
        raise InvalidCustomField(_first_message(error)) from None


def _first_message(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        found = errors()
        if found:
            return str(found[0]["msg"]).removeprefix("Value error, ")
    return str(error)


def delete_definition(session: Session, tenant_id: uuid.UUID, field_id: str) -> str:
    """Delete the definition (in the caller's unit); returns its name."""
    definition = _require(session, tenant_id=tenant_id, field_id=field_id, for_update=True)
    name = definition.name
    session.delete(definition)
    session.flush()
    tenant_config.bump(session, tenant_id)
    return name


def resolve(
    definitions: Definitions,
    given: Mapping[str, Any] | None,
    *,
    current: Mapping[str, Any] | None = None,
    location: tuple[str, ...] = ("body", "custom_fields"),
) -> dict[str, Any]:
    """Values to store for a create (`current` None) or a PATCH; a 422 naming each field
    at fault."""
    if current is None:
        resolved, errors = values.resolve_on_create(definitions, given or {})
    else:
        resolved, errors = values.resolve_on_update(definitions, current, given or {})
    if errors:
        raise ValidationFailed([error.as_error(location) for error in errors])
    return resolved


def filter_value(definition: Definition, raw: str) -> Any:
    """A `cf.<name>=raw` query value as the field's type; ValueError if it cannot match."""
    value: Any = raw
    if definition.type == "number":
        try:
            number = float(raw)
        except ValueError:
            raise ValueError("must be a number") from None
        value = int(number) if number.is_integer() else number
    elif definition.type == "checkbox":
        if raw not in ("true", "false"):
            raise ValueError("must be true or false")
        value = raw == "true"
    elif definition.type == "multi_select":
        if raw not in (definition.choices or []):
            raise ValueError("must be one of: " + ", ".join(definition.choices or []))
        return raw
    try:
        return values.check_value(definition, value)
    except values.CustomFieldError as error:
        raise ValueError(error.message) from None

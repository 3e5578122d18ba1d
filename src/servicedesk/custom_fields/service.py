"""The rules of custom field definitions, and resolving a ticket's values against them."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.exceptions import RequestValidationError
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.custom_fields import values
from servicedesk.custom_fields.models import CustomFieldDefinition
from servicedesk.custom_fields.schemas import CustomFieldCreate, CustomFieldUpdate
from servicedesk.db.base import utcnow
from servicedesk.errors import Conflict, CustomFieldNotFound, InvalidCustomField
from servicedesk.tickets.models import Ticket

Definitions = Mapping[str, CustomFieldDefinition]


async def definitions_of(
    session: AsyncSession, tenant_id: uuid.UUID
) -> dict[str, CustomFieldDefinition]:
    result = await session.scalars(
        select(CustomFieldDefinition)
        .where(CustomFieldDefinition.tenant_id == tenant_id)
        .order_by(CustomFieldDefinition.created_at, CustomFieldDefinition.id)
    )
    return {definition.name: definition for definition in result.all()}


async def list_definitions(
    session: AsyncSession, tenant_id: uuid.UUID
) -> Sequence[CustomFieldDefinition]:
    return list((await definitions_of(session, tenant_id)).values())


async def get_definition(
    session: AsyncSession, tenant_id: uuid.UUID, field_id: str, *, for_update: bool = False
) -> CustomFieldDefinition:
    query = select(CustomFieldDefinition).where(
        CustomFieldDefinition.tenant_id == tenant_id, CustomFieldDefinition.id == field_id
    )
    if for_update:
        query = query.with_for_update()
    definition = (await session.scalars(query)).first()
    if definition is None:
        raise CustomFieldNotFound()
    return definition


async def create_definition(
    session: AsyncSession, tenant_id: uuid.UUID, data: CustomFieldCreate
) -> CustomFieldDefinition:
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
        async with session.begin_nested():
            session.add(definition)
    except IntegrityError:
        raise Conflict(f"A custom field named {data.name} exists") from None
    return definition


async def update_definition(
    session: AsyncSession, tenant_id: uuid.UUID, field_id: str, patch: CustomFieldUpdate
) -> CustomFieldDefinition:
    definition = await get_definition(session, tenant_id, field_id, for_update=True)
    changes = {name: getattr(patch, name) for name in patch.model_fields_set}
    if not changes:
        raise InvalidCustomField("No valid fields to update")
    for name in ("label", "required"):
        if name in changes and changes[name] is None:
            raise InvalidCustomField(f"{name} may not be null")
    merged = {
        "choices": changes.get("choices", definition.choices),
        "default_value": changes.get("default_value", definition.default_value),
    }
    try:
        probe = CustomFieldCreate(
            name=definition.name,
            label=changes.get("label") or definition.label,
            type=definition.type,
            choices=merged["choices"],
            default_value=merged["default_value"],
        )
    except ValueError as error:
        raise InvalidCustomField(_first_message(error)) from None
    for name, value in changes.items():
        setattr(definition, name, value)
    definition.choices = probe.choices
    definition.updated_at = utcnow()
    await session.flush()
    return definition


def _first_message(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        found = errors()
        if found:
            return str(found[0]["msg"]).removeprefix("Value error, ")
    return str(error)


async def tickets_holding(
    session: AsyncSession, tenant_id: uuid.UUID, name: str
) -> Sequence[uuid.UUID]:
    """The tickets that hold a value for `name` (a machine name: [a-z0-9_] only)."""
    if session.get_bind().dialect.name == "postgresql":
        holds = text("jsonb_exists(tickets.custom_fields, :name)")
    else:
        holds = text("json_extract(tickets.custom_fields, '$.' || :name) IS NOT NULL")
    result = await session.scalars(
        select(Ticket.id).where(Ticket.tenant_id == tenant_id, holds).params(name=name)
    )
    return result.all()


def resolve_or_422(
    definitions: Definitions,
    given: Mapping[str, Any] | None,
    *,
    current: Mapping[str, Any] | None = None,
    location: tuple[str, ...] = ("body", "custom_fields"),
) -> dict[str, Any]:
    """Values to store for a create (`current` None) or a PATCH, or a 422 naming each
    field at fault."""
    if current is None:
        resolved, errors = values.resolve_on_create(definitions, given or {})
    else:
        resolved, errors = values.resolve_on_update(definitions, current, given or {})
    if errors:
        raise RequestValidationError([error.as_error(location) for error in errors])
    return resolved


def filter_value(definition: CustomFieldDefinition, raw: str) -> Any:
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

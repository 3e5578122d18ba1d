"""HTTP routes of /api/v1/custom-fields (`config:read` / `config:write`) and the
`validate` check a ticket creator can run before submitting."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from servicedesk.auth.dependencies import require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.custom_fields import service
from servicedesk.custom_fields.schemas import (
    CustomFieldCreate,
    CustomFieldList,
    CustomFieldOut,
    CustomFieldUpdate,
    ValuesIn,
    ValuesOk,
)
from servicedesk.custom_fields.service import DEFINITIONS
from servicedesk.db.session import DatabaseDep
from servicedesk.errors import (
    Conflict,
    CustomFieldNotFound,
    InvalidCustomField,
)
from servicedesk.http import JSON_BODY_ERRORS, VALIDATION_422, Responses, require_json_body
from servicedesk.tickets.dependencies import TicketsDep

router = APIRouter(
    prefix="/api/v1/custom-fields",
    tags=["custom fields"],
    responses={
        422: VALIDATION_422,
    },
)
Reader = Annotated[Principal, Depends(require_scope(Scope.CONFIG_READ))]
Writer = Annotated[Principal, Depends(require_scope(Scope.CONFIG_WRITE))]
Creator = Annotated[Principal, Depends(require_scope(Scope.TICKETS_WRITE))]
_NOT_FOUND: Responses = {404: CustomFieldNotFound.openapi_response()}


@router.get("", response_model=CustomFieldList)
async def list_custom_fields(database: DatabaseDep, principal: Reader) -> CustomFieldList:
    """Requires `config:read`. Oldest first."""
    found = await service.list_definitions(database, principal.tenant_id)
    return CustomFieldList(custom_fields=[CustomFieldOut.model_validate(d) for d in found])


@router.post(
    "",
    status_code=201,
    response_model=CustomFieldOut,
    dependencies=[Depends(require_json_body)],
    responses={
        409: Conflict.openapi_response({"detail": "A custom field named x exists"}),
        **JSON_BODY_ERRORS,
    },
)
async def create_custom_field(
    data: CustomFieldCreate, database: DatabaseDep, principal: Writer
) -> CustomFieldOut:
    """Requires `config:write`. `choices` for dropdown and multi_select only; a
    `default_value` must be a valid value; `name` is unique in the tenant (409)."""
    definition = await service.create_definition(database, principal.tenant_id, data)
    return CustomFieldOut.model_validate(definition)


@router.post(
    "/validate",
    response_model=ValuesOk,
    dependencies=[Depends(require_json_body)],
    responses=JSON_BODY_ERRORS,
)
async def validate_values(data: ValuesIn, tickets: TicketsDep, principal: Creator) -> ValuesOk:
    """Requires `tickets:write`. Checks `custom_fields` as a create would (unknown names,
    types, choices, required fields) and writes nothing: 200 with the values a create
    would store (defaults filled in), or the 422 a create would get."""
    config = await tickets.config_of(principal.tenant_id)
    return ValuesOk(custom_fields=service.resolve(config[DEFINITIONS], data.custom_fields))


@router.get("/{field_id}", response_model=CustomFieldOut, responses=_NOT_FOUND)
async def get_custom_field(
    field_id: str, database: DatabaseDep, principal: Reader
) -> CustomFieldOut:
    """Requires `config:read`."""
    definition = await service.get_definition(database, principal.tenant_id, field_id)
    return CustomFieldOut.model_validate(definition)


@router.patch(
    "/{field_id}",
    response_model=CustomFieldOut,
    dependencies=[Depends(require_json_body)],
    responses={**_NOT_FOUND, 400: InvalidCustomField.openapi_response(), **JSON_BODY_ERRORS},
)
async def update_custom_field(
    field_id: str, patch: CustomFieldUpdate, database: DatabaseDep, principal: Writer
) -> CustomFieldOut:
    """Requires `config:write`. Values already on tickets are kept as they are."""
    definition = await service.update_definition(database, principal.tenant_id, field_id, patch)
    return CustomFieldOut.model_validate(definition)


@router.delete(
    "/{field_id}",
    status_code=204,
    responses={
        **_NOT_FOUND,
        409: Conflict.openapi_response(
            {
                "detail": "3 tickets hold a value for department; DELETE with ?force=true "
                "removes the values too"
            }
        ),
    },
)
async def delete_custom_field(
    field_id: str,
    tickets: TicketsDep,
    principal: Writer,
    force: Annotated[
        bool, Query(description="Also remove the field's values from tickets")
    ] = False,
) -> Response:
    """Requires `config:write`. Refused (409, with the count) while tickets hold values
    for the field, unless `force=true`: then the values are removed from those tickets in
    the background, within seconds, each removal a recorded change (`ticket.updated`, in
    its history) that also reaches the ITSM provider."""
    await tickets.delete_custom_field(
        principal.tenant_id, field_id, force=force, actor=principal.key_id
    )
    return Response(status_code=204)

"""HTTP routes of /api/v1/custom-fields (`config:read` / `config:write`): the definitions.
The two routes that reach into tickets (`POST /validate`, `DELETE /{field_id}`) are
`servicedesk.tickets.custom_field_endpoints`'s."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from servicedesk.auth.dependencies import require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.custom_fields import service
from servicedesk.custom_fields.schemas import (
    CustomFieldCreate,
    CustomFieldList,
    CustomFieldOut,
    CustomFieldUpdate,
)
from servicedesk.db.session import DatabaseDep
from servicedesk.errors import (
    Conflict,
    CustomFieldNotFound,
    InvalidCustomField,
)
from servicedesk.http import JSON_BODY_ERRORS, VALIDATION_422, Responses, require_json_body

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

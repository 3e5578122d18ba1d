"""The /api/v1/custom-fields routes that work on tickets' values: `POST /validate` (a
create's check, without the create) and `DELETE /{field_id}` (refused while tickets hold
values, or with `force` the values removed too). They live beside the ticket service
they call; the definitions' other routes are `servicedesk.custom_fields.endpoints`'."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from servicedesk.auth.dependencies import require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.custom_fields import service
from servicedesk.custom_fields.schemas import ValuesIn, ValuesOk
from servicedesk.custom_fields.service import DEFINITIONS
from servicedesk.errors import Conflict, CustomFieldNotFound
from servicedesk.http import JSON_BODY_ERRORS, VALIDATION_422, Responses, require_json_body
from servicedesk.tickets.dependencies import TicketsDep

router = APIRouter(
    prefix="/api/v1/custom-fields",
    tags=["custom fields"],
    responses={
        422: VALIDATION_422,
    },
)
Writer = Annotated[Principal, Depends(require_scope(Scope.CONFIG_WRITE))]
Creator = Annotated[Principal, Depends(require_scope(Scope.TICKETS_WRITE))]
_NOT_FOUND: Responses = {404: CustomFieldNotFound.openapi_response()}


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

"""HTTP routes of e-mail: the tenant's mail settings (/api/v1/configuration/email) and
raw messages handed in by an MTA or a mail service (/api/v1/inbound/email)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from servicedesk.auth.dependencies import require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.db.session import DatabaseDep
from servicedesk.email import service
from servicedesk.email.schemas import EmailConfigIn, EmailConfigOut, InboundEmailResult
from servicedesk.errors import (
    EmailNotConfigured,
    MessageTypeRequired,
    PayloadTooLarge,
)
from servicedesk.http import (
    JSON_BODY_ERRORS,
    VALIDATION_422,
    JsonResponse,
    Responses,
    SettingsDep,
    media_type,
    require_json_body,
)
from servicedesk.tickets.dependencies import TicketsDep

router = APIRouter(prefix="/api/v1/configuration/email", tags=["configuration"])
inbound_router = APIRouter(prefix="/api/v1/inbound", tags=["email"])

Reader = Annotated[Principal, Depends(require_scope(Scope.CONFIG_READ))]
Writer = Annotated[Principal, Depends(require_scope(Scope.CONFIG_WRITE))]
Ingester = Annotated[Principal, Depends(require_scope(Scope.EMAIL_INGEST))]

_NOT_CONFIGURED: Responses = {404: EmailNotConfigured.openapi_response()}
MESSAGE_TYPE = "message/rfc822"


@router.get("", response_model=EmailConfigOut, responses=_NOT_CONFIGURED)
async def get_email_config(database: DatabaseDep, principal: Reader, settings: SettingsDep) -> Any:
    """Requires `config:read`."""
    return await service.get_config(database, principal.tenant_id, settings)


@router.put(
    "",
    response_model=EmailConfigOut,
    dependencies=[Depends(require_json_body)],
    responses={**JSON_BODY_ERRORS, 422: VALIDATION_422},
)
async def put_email_config(
    data: EmailConfigIn, database: DatabaseDep, principal: Writer, settings: SettingsDep
) -> Any:
    """Requires `config:write`. The tenant's support addresses and how it answers by mail;
    in use from the next message in every process."""
    return await service.put_config(database, principal.tenant_id, data, settings)


@router.delete("", status_code=204, responses=_NOT_CONFIGURED)
async def delete_email_config(database: DatabaseDep, principal: Writer) -> Response:
    """Requires `config:write`. Stops answering by mail; taking mail in goes on."""
    await service.delete_config(database, principal.tenant_id)
    return Response(status_code=204)


@inbound_router.post(
    "/email",
    status_code=201,
    response_model=InboundEmailResult,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {MESSAGE_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
    responses={
        200: {"model": InboundEmailResult, "description": "Taken before (the same Message-ID)"},
        202: {
            "model": InboundEmailResult,
            "description": "Not taken: a bounce, or mail from the desk's own addresses",
        },
        413: PayloadTooLarge.openapi_response(),
        415: MessageTypeRequired.openapi_response(),
        422: VALIDATION_422,
    },
)
async def take_email(request: Request, tickets: TicketsDep, principal: Ingester) -> JsonResponse:
    """Requires `email:ingest`. The raw message as the body (`Content-Type:
    message/rfc822`), e.g. from an MTA: `curl --data-binary @- -H 'Content-Type:
    message/rfc822' …`. A new ticket (201, `created: true`), or a note on the ticket it
    answers (201, `created: false`); the same Message-ID again is 200 with the first
    answer. A sender who opened too many tickets by mail in the last hour is 429 with
    `Retry-After` (SERVICEDESK_EMAIL_NEW_TICKETS_PER_SENDER_HOUR)."""
    if media_type(request.headers.get("content-type", "")) != MESSAGE_TYPE:
        raise MessageTypeRequired()
    taken = await service.take(tickets, principal.tenant_id, await request.body())
    status = 202 if taken.ignored else 200 if taken.again else 201
    return JsonResponse(taken.body(), status_code=status)

"""HTTP routes of e-mail: the tenant's mail settings (/api/v1/configuration/email) and
raw messages handed in by an MTA or a mail service (/api/v1/inbound/email)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from servicedesk.auth.dependencies import require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.db.session import DatabaseDep
from servicedesk.email import service, set_aside
from servicedesk.email.schemas import (
    EmailConfigIn,
    EmailConfigOut,
    InboundEmailResult,
    SetAsideList,
)
from servicedesk.errors import (
    Conflict,
    EmailNotConfigured,
    MessageTypeRequired,
    PayloadTooLarge,
    SetAsideMessageNotFound,
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


@router.get("/set-aside", response_model=SetAsideList, responses={422: VALIDATION_422})
async def list_set_aside_email(
    database: DatabaseDep,
    principal: Reader,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Any:
    """Requires `config:read`. Polled messages that could not be taken as they are (past
    a limit, unreadable, refused), newest first: moved to the mailbox's
    `quarantine_folder` and kept here whole, so that the messages behind them go on."""
    messages, total = await set_aside.page(
        database, principal.tenant_id, limit=limit, offset=offset
    )
    return {"messages": messages, "total": total, "limit": limit, "offset": offset}


@router.post(
    "/set-aside/{set_aside_id}/release",
    status_code=201,
    response_model=InboundEmailResult,
    responses={
        404: SetAsideMessageNotFound.openapi_response(),
        409: Conflict.openapi_response({"detail": "This message was released already"}),
        422: VALIDATION_422,
    },
)
async def release_set_aside_email(
    set_aside_id: uuid.UUID, tickets: TicketsDep, principal: Writer
) -> JsonResponse:
    """Requires `config:write`. Makes the message a ticket (its subject and sender where
    its header can be read) whose text says why it was set aside and which carries the
    original as `original.eml`; once."""
    taken = await service.release_set_aside(tickets, principal.tenant_id, set_aside_id)
    return JsonResponse(taken.body(), status_code=201)


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

"""HTTP routes of the provider integration: the tenant's settings
(/api/v1/configuration/provider) and the provider's inbound calls
(/api/v1/integrations/{provider}/events/{token})."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from servicedesk.auth.dependencies import enforce_inbound_rate_limit, require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.db.session import DatabaseDep
from servicedesk.errors import (
    InboundNotAuthorized,
    InvalidProviderConfig,
    ProviderNotConfigured,
    RateLimited,
    TicketNotFound,
)
from servicedesk.http import (
    JSON_BODY_ERRORS,
    VALIDATION_422,
    Responses,
    SettingsDep,
    require_json_body,
)
from servicedesk.providers import inbound, service
from servicedesk.providers.inbound import InboundPayloadInvalid
from servicedesk.providers.schemas import (
    InboundResult,
    InboundSecretOut,
    ProviderConfigIn,
    ProviderConfigOut,
    ProviderKind,
)
from servicedesk.tickets.dependencies import TicketsDep

router = APIRouter(
    prefix="/api/v1/configuration/provider",
    tags=["configuration"],
)
inbound_router = APIRouter(prefix="/api/v1/integrations", tags=["integrations"])

inbound_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="InboundSecret",
    description="The tenant's inbound secret (PUT /api/v1/configuration/provider).",
)

Reader = Annotated[Principal, Depends(require_scope(Scope.CONFIG_READ))]
Writer = Annotated[Principal, Depends(require_scope(Scope.CONFIG_WRITE))]


_NOT_CONFIGURED: Responses = {404: ProviderNotConfigured.openapi_response()}
_JSON_BODY: Responses = {
    **JSON_BODY_ERRORS,
    422: VALIDATION_422,
}


@router.get("", response_model=ProviderConfigOut, responses=_NOT_CONFIGURED)
async def get_provider(
    database: DatabaseDep, principal: Reader, settings: SettingsDep
) -> ProviderConfigOut:
    """Requires `config:read`. Credentials are never returned."""
    config = await service.get_config(database, principal.tenant_id)
    return service.config_out(config, settings)


@router.put(
    "",
    response_model=ProviderConfigOut,
    dependencies=[Depends(require_json_body)],
    responses={
        400: InvalidProviderConfig.openapi_response(
            {"detail": "api_key is required for a new provider account"}
        ),
        **_JSON_BODY,
    },
)
async def put_provider(
    data: ProviderConfigIn, database: DatabaseDep, principal: Writer, settings: SettingsDep
) -> ProviderConfigOut:
    """Requires `config:write`. Connects the tenant's Freshservice or Zendesk: tickets
    created from now on are mirrored there. The first PUT answers `inbound_secret`, once.
    Moving to another account (kind or domain) leaves the tickets mirrored in the old
    one there: their later changes are not sent to the new account."""
    config, secret = await service.put_config(database, settings, principal.tenant_id, data)
    return service.config_out(config, settings, secret)


@router.delete("", status_code=204, responses=_NOT_CONFIGURED)
async def delete_provider(database: DatabaseDep, principal: Writer) -> Response:
    """Requires `config:write`. Stops mirroring; tickets keep their `external_*` links."""
    await service.delete_config(database, principal.tenant_id)
    return Response(status_code=204)


@router.post("/inbound-secret", response_model=InboundSecretOut, responses=_NOT_CONFIGURED)
async def rotate_inbound_secret(database: DatabaseDep, principal: Writer) -> InboundSecretOut:
    """Requires `config:write`. A new inbound secret, shown once; the old one stops working."""
    config, secret = await service.rotate_inbound_secret(database, principal.tenant_id)
    return InboundSecretOut(inbound_url=service.inbound_path(config), inbound_secret=secret)


@inbound_router.post(
    "/{provider}/events/{token}",
    response_model=InboundResult,
    dependencies=[Depends(require_json_body)],
    responses={
        400: InboundPayloadInvalid.openapi_response(),
        401: InboundNotAuthorized.openapi_response(),
        404: TicketNotFound.openapi_response(),
        429: RateLimited.openapi_response(),
        **_JSON_BODY,
    },
)
async def provider_event(
    request: Request,
    provider: ProviderKind,
    token: str,
    payload: Annotated[dict[str, Any], Body()],
    database: DatabaseDep,
    tickets: TicketsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(inbound_bearer)],
) -> InboundResult:
    """Called by the provider's automation (Freshservice Workflow Automator "Trigger
    webhook", Zendesk trigger → webhook) with `Authorization: Bearer <inbound_secret>`
    and `{"ticket_id": ..., "status": ..., "priority": ...}`. Updates our ticket and
    sends nothing back to the provider. Calls to one URL are limited
    (`SERVICEDESK_RATE_LIMIT_INBOUND`, 600 a minute) before the secret is checked."""
    await enforce_inbound_rate_limit(request, token)
    presented = credentials.credentials if credentials else ""
    config = await inbound.authorised_config(database, provider, token, presented)
    ticket_id, changed = await inbound.apply(tickets, config, payload)
    return InboundResult(ticket_id=str(ticket_id), changed=sorted(changed))

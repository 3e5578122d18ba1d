"""HTTP routes of the tenant's triage settings: /api/v1/configuration/triage."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from servicedesk.auth.dependencies import require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.db.session import DatabaseDep
from servicedesk.errors import InvalidTriageConfig
from servicedesk.http import JSON_BODY_ERRORS, VALIDATION_422, SettingsDep, require_json_body
from servicedesk.triage import service
from servicedesk.triage.schemas import TriageConfigIn, TriageConfigOut, out

router = APIRouter(
    prefix="/api/v1/configuration/triage",
    tags=["configuration"],
)

Reader = Annotated[Principal, Depends(require_scope(Scope.CONFIG_READ))]
Writer = Annotated[Principal, Depends(require_scope(Scope.CONFIG_WRITE))]


@router.get("", response_model=TriageConfigOut)
async def get_triage_config(database: DatabaseDep, principal: Reader) -> TriageConfigOut:
    """Requires `config:read`. The defaults until the tenant PUTs its own; `model` is the
    category model in use (the starter until `servicedesk triage train`)."""
    return out(*await service.get_settings(database, principal.tenant_id))


@router.put(
    "",
    response_model=TriageConfigOut,
    dependencies=[Depends(require_json_body)],
    responses={
        400: InvalidTriageConfig.openapi_response(
            {
                "detail": "engine llm needs an LLM endpoint: the operator sets "
                "SERVICEDESK_LLM_BASE_URL"
            }
        ),
        **JSON_BODY_ERRORS,
        422: VALIDATION_422,
    },
)
async def put_triage_config(
    data: TriageConfigIn, database: DatabaseDep, principal: Writer, settings: SettingsDep
) -> TriageConfigOut:
    """Requires `config:write`. Replaces the whole configuration (omitted fields take
    their defaults); new tickets are triaged and routed by it at once."""
    return out(*await service.put_settings(database, settings, principal.tenant_id, data))

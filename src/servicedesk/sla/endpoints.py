"""HTTP routes of /api/v1/sla/policies (`config:read` / `config:write`) and the SLA
report, /api/v1/reports/sla (`tickets:read`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from servicedesk.auth.dependencies import require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.db.session import DatabaseDep
from servicedesk.errors import (
    NoValidFields,
    SlaPolicyNotFound,
    ValidationFailed,
)
from servicedesk.http import (
    JSON_BODY_ERRORS,
    VALIDATION_422,
    JsonResponse,
    Responses,
    require_json_body,
)
from servicedesk.sla import service
from servicedesk.sla.schemas import (
    PolicyCreate,
    PolicyList,
    PolicyOut,
    PolicyUpdate,
    SlaReport,
    SlaReportGroupBy,
)
from servicedesk.tickets.filters import InstantText, parse_instant

router = APIRouter(prefix="/api/v1/sla/policies", tags=["sla"])
reports_router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
Reader = Annotated[Principal, Depends(require_scope(Scope.CONFIG_READ))]
Writer = Annotated[Principal, Depends(require_scope(Scope.CONFIG_WRITE))]
TicketReader = Annotated[Principal, Depends(require_scope(Scope.TICKETS_READ))]
_NOT_FOUND: Responses = {404: SlaPolicyNotFound.openapi_response(), 422: VALIDATION_422}
_422: Responses = {422: VALIDATION_422}
# The report's default window, ending now.
DEFAULT_REPORT_DAYS = 30


@router.get("", response_model=PolicyList)
async def list_sla_policies(database: DatabaseDep, principal: Reader) -> PolicyList:
    """Requires `config:read`. In the order they are tried: by position, then oldest."""
    found = await service.list_policies(database, principal.tenant_id)
    return PolicyList(policies=[PolicyOut.model_validate(policy) for policy in found])


@router.post(
    "",
    status_code=201,
    response_model=PolicyOut,
    dependencies=[Depends(require_json_body)],
    responses={**JSON_BODY_ERRORS, **_422},
)
async def create_sla_policy(
    data: PolicyCreate, database: DatabaseDep, principal: Writer
) -> PolicyOut:
    """Requires `config:write`. Applies to each ticket from its next change on (a new
    ticket at once); see docs/sla.md."""
    policy = await service.create_policy(database, principal.tenant_id, data)
    return PolicyOut.model_validate(policy)


@router.get("/{policy_id}", response_model=PolicyOut, responses=_NOT_FOUND)
async def get_sla_policy(policy_id: str, database: DatabaseDep, principal: Reader) -> PolicyOut:
    """Requires `config:read`."""
    return PolicyOut.model_validate(
        await service.get_policy(database, principal.tenant_id, policy_id)
    )


@router.patch(
    "/{policy_id}",
    response_model=PolicyOut,
    dependencies=[Depends(require_json_body)],
    responses={
        **_NOT_FOUND,
        400: NoValidFields.openapi_response(),
        **JSON_BODY_ERRORS,
        **_422,
    },
)
async def update_sla_policy(
    policy_id: str, patch: PolicyUpdate, database: DatabaseDep, principal: Writer
) -> PolicyOut:
    """Requires `config:write`. Any subset of the fields; the policy is checked whole.
    Tickets take the change at their next change or timer."""
    policy = await service.update_policy(database, principal.tenant_id, policy_id, patch)
    return PolicyOut.model_validate(policy)


@router.delete("/{policy_id}", status_code=204, responses=_NOT_FOUND)
async def delete_sla_policy(policy_id: str, database: DatabaseDep, principal: Writer) -> Response:
    """Requires `config:write`. Its tickets choose again at their next change."""
    await service.delete_policy(database, principal.tenant_id, policy_id)
    return Response(status_code=204)


@reports_router.get("/sla", response_model=SlaReport, responses=_422)
async def sla_report(
    database: DatabaseDep,
    principal: TicketReader,
    start: Annotated[
        InstantText | None,
        Query(
            alias="from", description="ISO 8601; tickets created at or after (default: 30 days ago)"
        ),
    ] = None,
    end: Annotated[
        InstantText | None,
        Query(
            alias="to",
            description="ISO 8601; tickets created before (a bare date: through that day)",
        ),
    ] = None,
    group_by: Annotated[SlaReportGroupBy, Query()] = SlaReportGroupBy.POLICY,
) -> Any:
    """Requires `tickets:read`. Tickets created in the window that carry an SLA, grouped:
    `met` every target in time (resolved), `breached` one or more, `open_at_risk` (not
    breached, a target open past its warning); first-response and resolution times in
    business minutes."""
    now = datetime.now(UTC)
    window_end = (
        parse_instant("to", end, end_of_day=True) + timedelta(microseconds=1) if end else now
    )
    window_start = (
        parse_instant("from", start, end_of_day=False)
        if start
        else window_end - timedelta(days=DEFAULT_REPORT_DAYS)
    )
    if window_start >= window_end:
        raise ValidationFailed.at(("query", "to"), "to must be after from")
    groups = await service.report(database, principal.tenant_id, window_start, window_end, group_by)
    return JsonResponse(
        SlaReport(start=window_start, end=window_end, group_by=group_by, groups=groups).model_dump(
            mode="json", by_alias=True
        )
    )

"""The FastAPI dependencies that authenticate a request and check its scope."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import structlog
from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal, authenticate
from servicedesk.db.session import get_database
from servicedesk.errors import Forbidden, Unauthorized

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="A key made with `servicedesk keys create`; looks like `itsm_sk_live_…`.",
)


async def current_principal(
    request: Request, api_key: Annotated[str | None, Security(api_key_header)]
) -> Principal:
    async with get_database(request).read_sessions() as session:
        principal = await authenticate(session, api_key)
    if principal is None:
        raise Unauthorized()
    structlog.contextvars.bind_contextvars(
        tenant_id=str(principal.tenant_id), api_key_id=principal.key_id
    )
    return principal


def require_scope(scope: Scope) -> Callable[..., Awaitable[Principal]]:
    """A dependency that admits only keys holding `scope` (403 otherwise)."""

    async def _check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if scope.value not in principal.scopes:
            raise Forbidden(scope.value)
        return principal

    return _check

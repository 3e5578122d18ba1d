"""The FastAPI dependency that authenticates a request and checks its scope.

The key is read by FastAPI's own scheme objects (`X-API-Key`, then `Authorization:
Bearer`), called directly rather than declared as sub-dependencies: each level of
FastAPI's dependency solving costs every request (two levels were ~40 µs of a 1 ms get).
The OpenAPI document still names both schemes on every keyed route:
`servicedesk.apidocs` adds them where a route's dependencies require a scope.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog
from fastapi import Request
from fastapi.security import APIKeyHeader, HTTPBearer

from servicedesk.auth.cache import PrincipalCache
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal, presented_key_hash, principal_for_hash
from servicedesk.db.session import get_database
from servicedesk.errors import Forbidden, RateLimited, Unauthorized
from servicedesk.ratelimit.service import Decision, RateLimiter

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="A key made with `servicedesk keys create`; looks like `itsm_sk_live_…`.",
)
# The same key as `Authorization: Bearer <key>`, what generated clients and most HTTP
# tools send; `X-API-Key` is the documented first and wins when both are sent.
bearer = HTTPBearer(
    auto_error=False,
    bearerFormat="itsm_sk_live_…",
    description="The same API key as a bearer token (`X-API-Key` wins when both are sent).",
)


async def presented_key(request: Request) -> str | None:
    """The key the request carries: `X-API-Key`, else a bearer token."""
    api_key = await api_key_header(request)
    if api_key is not None:
        return api_key
    credentials = await bearer(request)
    return credentials.credentials if credentials is not None else None


async def current_principal(request: Request) -> Principal:
    principal = await _authenticate(request, await presented_key(request))
    if principal is None:
        raise Unauthorized()
    await _enforce_rate_limit(request, principal)
    structlog.contextvars.bind_contextvars(
        tenant_id=str(principal.tenant_id), api_key_id=principal.key_id
    )
    return principal


async def _authenticate(request: Request, api_key: str | None) -> Principal | None:
    key_hash = presented_key_hash(api_key)
    if key_hash is None:
        return None
    cache: PrincipalCache = request.app.state.principal_cache
    principal = cache.get(key_hash)
    if principal is None:
        principal = await get_database(request).read(
            lambda session: principal_for_hash(session, key_hash)
        )
        if principal is not None:
            cache.put(key_hash, principal)
    return principal


async def _enforce_rate_limit(request: Request, principal: Principal) -> None:
    limiter: RateLimiter | None = request.app.state.rate_limiter
    if limiter is not None:
        _enforce(request, await limiter.check(principal.key_id, principal.tenant_id))


async def enforce_inbound_rate_limit(request: Request, token: str) -> None:
    """The inbound provider URL's budget, by its token (there is no key to count)."""
    limiter: RateLimiter | None = request.app.state.rate_limiter
    if limiter is not None:
        _enforce(request, await limiter.check_inbound(token[:200]))


def _enforce(request: Request, decision: Decision) -> None:
    if decision.budget is not None:
        # Added to the response, whatever it is, by servicedesk.middleware.
        request.state.rate_limit_headers = decision.budget.headers()
    if not decision.allowed:
        assert decision.budget is not None
        raise RateLimited(str(decision.budget.item), decision.retry_after)


def require_scope(scope: Scope) -> Callable[..., Awaitable[Principal]]:
    """A dependency that admits only keys holding `scope` (403 otherwise). The key is
    authenticated here, not in a dependency of its own (see the module's docstring)."""

    async def _check(request: Request) -> Principal:
        principal = await current_principal(request)
        if scope.value not in principal.scopes:
            raise Forbidden(scope.value)
        return principal

    _check.required_scope = scope  # type: ignore[attr-defined]  # read by the docs and tests
    return _check

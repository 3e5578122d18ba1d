"""A client that sends the key as `X-API-Key` and retries what the server asks it to.

Retried: 429 (the rate limit turned the request away before it ran) and 503 (the
server timed the request out and rolled it back, or is still starting), after the
`Retry-After` the response carries, and a connection that could not be opened (nothing
was sent). Nothing else is retried: a request that may have run is never sent twice.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from servicedesk_client.client import AuthenticatedClient

RETRIED_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 3
    """Tries after the first; 0 turns retrying off."""
    max_wait: float = 30.0
    """The longest wait honoured (seconds): a longer `Retry-After` is returned to you."""
    backoff: float = 0.5
    """Without `Retry-After`: backoff, then twice that, and so on."""

    def wait_before_retry(self, response: httpx.Response | None, attempt: int) -> float | None:
        """Seconds to wait before try `attempt + 1`, or None to stop. `response` is
        None when the connection could not be opened."""
        if attempt >= self.retries:
            return None
        if response is not None and response.status_code not in RETRIED_STATUSES:
            return None
        asked = retry_after_header(response.headers) if response is not None else None
        wait = self.backoff * 2**attempt if asked is None else asked
        return wait if wait <= self.max_wait else None


def retry_after_header(headers: Mapping[str, str]) -> float | None:
    """The wait `Retry-After` asks for: delay-seconds or an HTTP date (RFC 9110 10.2.3)."""
    value = (headers.get("Retry-After") or headers.get("retry-after") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class RetryingTransport(httpx.BaseTransport):
    def __init__(
        self,
        policy: RetryPolicy,
        inner: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._policy = policy
        self._inner = inner or httpx.HTTPTransport()
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self._inner.handle_request(request)
            except httpx.ConnectError:
                wait = self._policy.wait_before_retry(None, attempt)
                if wait is None:
                    raise
            else:
                wait = self._policy.wait_before_retry(response, attempt)
                if wait is None:
                    return response
                response.close()
            self._sleep(wait)
            attempt += 1

    def close(self) -> None:
        self._inner.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    def __init__(self, policy: RetryPolicy, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._policy = policy
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await self._inner.handle_async_request(request)
            except httpx.ConnectError:
                wait = self._policy.wait_before_retry(None, attempt)
                if wait is None:
                    raise
            else:
                wait = self._policy.wait_before_retry(response, attempt)
                if wait is None:
                    return response
                await response.aclose()
            await asyncio.sleep(wait)
            attempt += 1

    async def aclose(self) -> None:
        await self._inner.aclose()


def connect(
    base_url: str,
    api_key: str,
    *,
    timeout: float = 30.0,
    retry: RetryPolicy | None = None,
    headers: dict[str, str] | None = None,
) -> AuthenticatedClient:
    """A client for `base_url` (e.g. "https://desk.example.com") that authenticates with
    `api_key`, for the sync and the asyncio functions of `servicedesk_client.api`.

    Statuses the document does not name raise `errors.UnexpectedStatus`.
    """
    policy = retry or RetryPolicy()
    sent = {"X-API-Key": api_key, "User-Agent": "servicedesk-client-python", **(headers or {})}
    limit = httpx.Timeout(timeout)
    client = AuthenticatedClient(
        base_url=base_url,
        token=api_key,
        prefix="",
        auth_header_name="X-API-Key",
        headers=sent,
        timeout=limit,
        raise_on_unexpected_status=True,
    )
    client.set_httpx_client(
        httpx.Client(
            base_url=base_url, headers=sent, timeout=limit, transport=RetryingTransport(policy)
        )
    )
    client.set_async_httpx_client(
        httpx.AsyncClient(
            base_url=base_url,
            headers=sent,
            timeout=limit,
            transport=AsyncRetryingTransport(policy),
        )
    )
    return client

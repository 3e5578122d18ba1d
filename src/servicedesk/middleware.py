"""The one ASGI middleware: request id and access log, the body size cap, the time limit.

One layer instead of three: each layer of ASGI middleware costs every request a
coroutine and a wrapped `send` (about a tenth of /healthz's time each).

- A request id (the caller's `X-Request-ID` if sane, else a new one) is bound to every
  log line of the request and echoed in the response, with the rate-limit headers the
  key's check left; the request is logged once.
- A body over `max_bytes` is 413 `{"detail": ...}`, whether its Content-Length says so up
  front or the stream runs over; the body is never read past the limit.
- A request running past `timeout_seconds` is 503 `{"detail": "Request timed out"}`, its
  transaction rolled back: unless it is writing or wrote (`servicedesk.deadline`).
- With metrics on (`measured`), each request is counted by its route's template.
- Every answer says `X-Content-Type-Options: nosniff`; the console's pages (anything under
  `/console`) also carry a Content-Security-Policy with no inline script or style and no
  framing, `X-Frame-Options: DENY` for browsers without CSP, and a Referrer-Policy, so a
  page on another origin can neither frame an agent's session nor read its URLs.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid

import structlog
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicedesk import instruments
from servicedesk.deadline import Deadline, limited
from servicedesk.http import is_multipart_form
from servicedesk.logs import get_logger

log = get_logger("servicedesk.access")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


_EVERY_ANSWER = ((b"x-content-type-options", b"nosniff"),)
CONSOLE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_CONSOLE_ANSWER = (
    *_EVERY_ANSWER,
    (b"content-security-policy", CONSOLE_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


def security_headers(path: str) -> tuple[tuple[bytes, bytes], ...]:
    """The headers that protect what a browser shows of this answer."""
    return _CONSOLE_ANSWER if path.startswith("/console") else _EVERY_ANSWER


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request body too large (limit {limit} bytes)")


# The requests that carry files, and so may be up to max_upload_bytes: a note sent as
# multipart/form-data, a raw message handed in by an MTA.
_MULTIPART_NOTE = re.compile(r"^/api/v1/tickets/[^/]+/notes$")
_RAW_MAIL = "/api/v1/inbound/email"


class RequestMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        max_upload_bytes: int,
        timeout_seconds: float,
        measured: bool = False,
    ) -> None:
        self.app = app
        self.measured = measured
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max(max_upload_bytes, max_body_bytes)
        self.timeout_seconds = timeout_seconds

    def _body_limit(self, scope: Scope) -> int:
        if scope["method"] != "POST":
            return self.max_body_bytes
        path = scope["path"]
        if path == _RAW_MAIL or (
            _MULTIPART_NOTE.match(path)
            and is_multipart_form(Headers(scope=scope).get("content-type", ""))
        ):
            return self.max_upload_bytes
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        state = _Response()
        send_with_id = self._sender(scope, send, request_id, state)
        try:
            if "\x00" in scope["path"]:
                # No resource has a NUL in its path, and PostgreSQL cannot even compare
                # text holding one (an id with %00 was a 500 there): every route's 404.
                await JSONResponse({"detail": "Not Found"}, status_code=404)(
                    scope, receive, send_with_id
                )
                return
            limit = self._body_limit(scope)
            declared = _content_length(scope)
            if declared is not None and declared > limit:
                error = BodyTooLarge(limit)
                response = JSONResponse({"detail": error.detail}, status_code=413)
                await response(scope, receive, send_with_id)
                return
            limited = self._limited_receive(receive, limit)
            await self._within_limit(scope, limited, send_with_id, state)
        finally:
            seconds = time.perf_counter() - started
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=state.status,
                duration_ms=round(seconds * 1000, 2),
            )
            if self.measured:
                instruments.observe_request(
                    _route_template(scope), scope["method"], state.status, seconds
                )
            structlog.contextvars.clear_contextvars()

    async def _within_limit(
        self, scope: Scope, receive: Receive, send: Send, state: _Response
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        deadline = Deadline(task)
        timer = asyncio.get_running_loop().call_later(self.timeout_seconds, deadline.expire)
        try:
            with limited(deadline):
                await self.app(scope, receive, send)
        except asyncio.CancelledError:
            if not deadline.cancelled:
                raise
            task.uncancel()
            log.warning("request_timed_out", path=scope["path"], seconds=self.timeout_seconds)
            if state.started:
                raise
            response = JSONResponse(
                {"detail": "Request timed out"}, status_code=503, headers={"Retry-After": "1"}
            )
            await response(scope, receive, send)
        except Exception:
            if state.started:
                raise  # half a response is out: only closing the connection ends it
            # Answered here rather than re-raised: an exception that leaves the app makes
            # the server close the keep-alive connection (and log it a second time).
            log.exception("unhandled_error", path=scope["path"], method=scope["method"])
            response = JSONResponse({"detail": "Internal server error"}, status_code=500)
            await response(scope, receive, send)
        finally:
            timer.cancel()

    @staticmethod
    def _limited_receive(receive: Receive, limit: int) -> Receive:
        received = 0

        async def receive_with_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        return receive_with_limit

    @staticmethod
    def _sender(scope: Scope, send: Send, request_id: str, state: _Response) -> Send:
        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state.started = True
                state.status = message["status"]
                extra = scope.get("state", {}).get("rate_limit_headers", {})
                message["headers"] = [
                    *message.get("headers", []),
                    *security_headers(scope["path"]),
                    (b"x-request-id", request_id.encode()),
                    *((name.lower().encode(), value.encode()) for name, value in extra.items()),
                ]
            await send(message)

        return send_with_id


class _Response:
    """What the request answered so far."""

    __slots__ = ("started", "status")

    def __init__(self) -> None:
        self.started = False
        self.status = 500


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate: str = value.decode("latin-1")
            if _SAFE_REQUEST_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


def _route_template(scope: Scope) -> str:
    """The matched route's path template (FastAPI leaves the route in the scope), so
    that one label value stands for every ticket id; a path no route took is one value."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None

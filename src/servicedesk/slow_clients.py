"""The HTTP server's protocol with limits on a request's head: how long a client may take
to send it, how many header lines and how many bytes it may hold.

uvicorn times out idle keep-alive connections, but nothing else: a client that opened a
connection and trickled its headers a byte at a time held it for as long as it liked
(open after 40 s, in a probe), and 100 KB of headers or 5,000 header lines were read
whole. This subclass of uvicorn's httptools protocol answers such a client as nginx or
Apache would (408 Request Timeout, 431 Request Header Fields Too Large) and closes the
connection. Between requests uvicorn's keep-alive timeout applies; the next request's
head is timed from its first byte. `servicedesk serve` runs every connection with it. A
reverse proxy in front (docs/operations.md) keeps its own, usually stricter, limits.

It leans on uvicorn's protocol callbacks (`on_message_begin`, `on_header`,
`on_headers_complete`, `send_400_response`), pinned in requirements.lock and held by
tests/test_slow_clients.py against a real server.
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from servicedesk.config import get_settings

_ANSWERS = {
    408: b"HTTP/1.1 408 Request Timeout\r\n",
    431: b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
}


class HeadRefused(Exception):
    """Raised from a parser callback: the parser stops, and the answer is ours."""


@cache
def _limits() -> tuple[float, int, int]:
    settings = get_settings()
    return (
        settings.http_header_timeout_seconds,
        settings.http_max_header_bytes,
        settings.http_max_headers,
    )


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timeout, self._max_bytes, self._max_headers = _limits()
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_bytes = 0
        self._head_lines = 0
        self._refusal: int | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()  # a connection that sends nothing at all is timed out too

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_done()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = self._head_lines = 0
        self._await_head()

    def on_url(self, url: bytes) -> None:
        self._count(len(url), lines=0)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value), lines=1)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._head_done()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        if self._refusal is None:
            super().send_400_response(msg)
        else:
            self._answer(self._refusal)

    def _count(self, size: int, *, lines: int) -> None:
        self._head_bytes += size
        self._head_lines += lines
        if self._head_bytes > self._max_bytes or self._head_lines > self._max_headers:
            self._refusal = 431
            raise HeadRefused()

    def _await_head(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self._timeout, self._head_too_slow)

    def _head_done(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self.cycle is None or self.cycle.response_complete:
            self._answer(408)

    def _answer(self, status: int) -> None:
        self._head_done()
        if not self.transport.is_closing():
            self.transport.write(
                _ANSWERS[status] + b"content-length: 0\r\nconnection: close\r\n\r\n"
            )
            self.transport.close()

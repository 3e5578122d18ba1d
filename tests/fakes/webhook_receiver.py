"""A webhook receiver on 127.0.0.1 that checks every request the way integrators will.

Each request is verified twice, independently of our code: with the `standardwebhooks`
package (id.timestamp.body, base64 key, 5-minute replay window) and with the seed
vendor's hex HMAC of the raw body. The receiver can fail its first N calls, answer a
fixed status, or be stopped and started again on the same port (an outage).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from tests.fakes.server import LoopbackServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


def verify_standard(secret: str, received: Received) -> dict[str, Any]:
    payload: dict[str, Any] = StandardWebhook(secret).verify(received.body, received.headers)
    return payload


def verify_hex(secret: str, received: Received) -> bool:
    """As the README tells receivers: any of the comma-separated signatures (one per
    live secret during a rotation) may match."""
    expected = "sha256=" + hmac.new(secret.encode(), received.body, hashlib.sha256).hexdigest()
    given = received.headers.get("x-servicedesk-signature", "").split(",")
    return any(hmac.compare_digest(expected, signature) for signature in given)


@dataclass
class WebhookReceiver(LoopbackServer):
    """`secret` set: a request that fails either check is answered 401 and not accepted."""

    port: int = 0
    secret: str | None = None
    fail_first: int = 0
    status: int = 204
    delay: float = 0.0
    # While set and closed, requests wait here (in flight) until it opens.
    gate: threading.Event | None = None
    arrivals: int = 0
    response_body: bytes = b""
    extra_headers: dict[str, str] = field(default_factory=dict)
    requests: list[Received] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                headers = {key.lower(): value for key, value in self.headers.items()}
                with receiver._lock:
                    receiver.arrivals += 1
                if receiver.gate is not None:
                    receiver.gate.wait(timeout=60)
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = receiver._answer(headers, body)
                try:
                    self.send_response(status)
                    for name, value in receiver.extra_headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(receiver.response_body)))
                    self.end_headers()
                    self.wfile.write(receiver.response_body)
                except OSError:
                    pass  # the sender is gone (a killed worker); the request still counted

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.serve(Handler)
        return self

    def _answer(self, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            status = self.status
            if self.fail_first > 0:
                self.fail_first -= 1
                status = 500
            elif self.secret is not None and not self._verified(headers, body):
                status = 401
            self.requests.append(Received(headers, body, status))
            return status

    def _verified(self, headers: dict[str, str], body: bytes) -> bool:
        received = Received(headers, body, 0)
        assert self.secret is not None
        try:
            verify_standard(self.secret, received)
        except WebhookVerificationError:
            return False
        return verify_hex(self.secret, received)

    def accepted(self) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if 200 <= r.answered < 300]

    async def wait_for(self, count: int, within: float = 20.0) -> list[Received]:
        """Wait until `count` distinct events were accepted; returns the accepted requests."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            accepted = self.accepted()
            if len({r.webhook_id for r in accepted}) >= count:
                return accepted
            await asyncio.sleep(0.02)
        accepted = self.accepted()
        raise AssertionError(
            f"{len({r.webhook_id for r in accepted})} of {count} events accepted "
            f"({len(self.requests)} requests)"
        )

"""A fake OpenAI-compatible chat-completions endpoint on 127.0.0.1.

It answers with whatever `answer` is set to (a dict becomes the JSON content), and can
instead time out (`delay`), return garbage (`garbage`), or fail with a status for the
next N calls (`fail_next`). Every request is kept for the test to inspect.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes.server import LoopbackServer

API_KEY = "sk-fake-llm-key"


@dataclass
class FakeLLM(LoopbackServer):
    port: int = 0
    answer: dict[str, Any] | None = None
    garbage: str | None = None
    delay: float = 0.0
    fail_next: int = 0
    fail_status: int = 500
    requests: list[dict[str, Any]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake._lock:
                    fake.requests.append(body)
                    fake.authorizations.append(self.headers.get("Authorization", ""))
                    failing = fake.fail_next > 0
                    if failing:
                        fake.fail_next -= 1
                if self.path != "/v1/chat/completions":
                    self._send(404, {"error": "not found"})
                    return
                if fake.delay:
                    time.sleep(fake.delay)
                if failing:
                    self._send(fake.fail_status, {"error": {"message": "overloaded"}})
                    return
                content = fake.garbage if fake.garbage is not None else json.dumps(fake.answer)
                self._send(
                    200,
                    {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion",
                        "model": body.get("model"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": content},
                                "finish_reason": "stop",
                            }
                        ],
                    },
                )

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout)

        self.serve(Handler)

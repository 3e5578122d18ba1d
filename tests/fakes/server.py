"""Running a fake's request handler on 127.0.0.1 in a background thread."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackServer:
    """Start and stop a handler on `self.port` (0: any free port, remembered on start).

    Stopping closes the port, so clients are refused until `serve` binds the same port
    again: that is how the fakes have an outage. Subclasses (dataclasses) declare
    `port: int` and `_server: ThreadingHTTPServer | None`.
    """

    port: int
    _server: ThreadingHTTPServer | None

    def serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._server = server
        self.port = server.server_address[1]

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

"""A request's head is bounded on a real `servicedesk serve` (servicedesk.slow_clients):
a client that trickles its headers is answered 408 and let go, one that sends too many
header lines or bytes 431; an ordinary keep-alive client is not bothered."""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterator

import pytest

from servicedesk.config import Settings
from tests import live_server

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("backend", ["sqlite"])]


@pytest.fixture
def server(settings: Settings) -> Iterator[live_server.LiveServer]:
    env = live_server.server_env(
        settings,
        SERVICEDESK_HTTP_HEADER_TIMEOUT_SECONDS="1",
        SERVICEDESK_HTTP_MAX_HEADERS="50",
        SERVICEDESK_HTTP_MAX_HEADER_BYTES="16384",
    )
    with live_server.running(env) as running:
        yield running


def _connect(server: live_server.LiveServer) -> socket.socket:
    port = int(server.base_url.rsplit(":", 1)[1])
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def _answer(connection: socket.socket) -> bytes:
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def test_a_client_trickling_its_headers_is_answered_408_and_let_go(
    server: live_server.LiveServer,
) -> None:
    with _connect(server) as connection:
        started = time.monotonic()
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        try:
            for _ in range(20):  # a byte every 0.2 s: 4 s of it, were it let
                connection.sendall(b"X")
                time.sleep(0.2)
        except OSError:
            pass  # closed on us: what is wanted
        answer = _answer(connection)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert time.monotonic() - started < 3.5


def test_a_connection_that_sends_nothing_is_closed(server: live_server.LiveServer) -> None:
    with _connect(server) as connection:
        started = time.monotonic()
        answer = _answer(connection)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert time.monotonic() - started < 3.0


@pytest.mark.parametrize(
    "headers",
    [b"".join(b"X-Line-%d: 1\r\n" % n for n in range(200)), b"X-Big: " + b"a" * 20_000 + b"\r\n"],
    ids=["200-lines", "20-kb"],
)
def test_a_head_past_its_limits_is_431(server: live_server.LiveServer, headers: bytes) -> None:
    with _connect(server) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
        answer = _answer(connection)
    assert answer.startswith(b"HTTP/1.1 431 ")


def test_an_ordinary_client_keeps_its_connection_across_requests(
    server: live_server.LiveServer,
) -> None:
    port = int(server.base_url.rsplit(":", 1)[1])
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        sockets = []
        for _ in range(3):
            client.request("GET", "/healthz")
            response = client.getresponse()
            assert response.status == 200
            response.read()
            sockets.append(client.sock)
            time.sleep(1.5)  # past the head's timeout, between requests: still kept
        assert sockets[0] is not None
        assert all(sock is sockets[0] for sock in sockets)
    finally:
        client.close()

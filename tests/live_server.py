"""Running `servicedesk` as real processes for end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.auth.scopes import Scope
from servicedesk.config import Settings
from servicedesk.db import migrate
from servicedesk.db.database import Database
from servicedesk.users import service as users

PREFIX = "SERVICEDESK_"
_MIGRATING = threading.Lock()


@dataclass
class LiveServer:
    base_url: str
    process: subprocess.Popen[bytes]


def server_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment that points a child process at the test's database."""
    env = {
        **os.environ,
        "SERVICEDESK_DATA_DIR": str(settings.data_dir),
        "SERVICEDESK_WRITE_QUEUE_TIMEOUT_SECONDS": str(settings.write_queue_timeout_seconds),
        "SERVICEDESK_WORKER_STOP_GRACE_SECONDS": str(settings.worker_stop_grace_seconds),
        **extra,
    }
    if settings.database_url:
        env["SERVICEDESK_DATABASE_URL"] = settings.database_url
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "servicedesk", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def settings_of(env: dict[str, str]) -> Settings:
    """The settings a child process started with `env` reads."""
    fields = {
        name.removeprefix(PREFIX).lower(): value
        for name, value in env.items()
        if name.startswith(PREFIX)
    }
    return Settings(**{name: v for name, v in fields.items() if name in Settings.model_fields})


def create_key(env: dict[str, str], tenant: str, *scopes: str) -> str:
    """A key of `tenant` (made if missing) in the database `env` names. Made in this
    process, as `servicedesk keys create` would (tested in tests/test_cli.py), because a
    CLI process costs seconds of imports per call."""
    settings = settings_of(env)
    if settings.auto_migrate:
        with _MIGRATING:  # Alembic's context is global: one migration at a time
            migrate.upgrade(settings)

    async def make() -> str:
        database = Database(settings)
        try:
            wanted = [Scope(scope) for scope in scopes]

            def write(session: Session) -> str:
                owner = auth.get_or_create_tenant(session, tenant)
                return auth.create_api_key(session, owner, wanted, "live test")[1]

            return await database.write(write)
        finally:
            await database.dispose()

    return asyncio.run(make())


def create_user(
    env: dict[str, str], tenant: str, email: str, password: str, *, role: str, name: str = ""
) -> str:
    """A console user of `tenant` (made if missing), made in this process as `servicedesk
    users create` would (tested in tests/test_cli.py); returns its id."""
    settings = settings_of(env)

    async def make() -> str:
        database = Database(settings)
        try:

            def write(session: Session) -> str:
                owner = auth.get_or_create_tenant(session, tenant)
                user = users.create_user(
                    session, owner.id, email=email, role=role, name=name, password=password
                )
                return str(user.id)

            return await database.write(write)
        finally:
            await database.dispose()

    return asyncio.run(make())


def start(env: dict[str, str], *, workers: int = 1, port: int | None = None) -> LiveServer:
    port = port or free_port()
    command = [sys.executable, "-m", "servicedesk", "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # A group of its own: stopping it stops every process it started (the uvicorn
        # workers), however the parent ends.
        start_new_session=True,
    )
    server = LiveServer(f"http://127.0.0.1:{port}", process)
    _wait_until_ready(server)
    return server


def start_worker(env: dict[str, str], log: Path | None = None) -> subprocess.Popen[bytes]:
    """A `servicedesk worker` in a process group of its own (end it with stop_group);
    its output goes to `log` when given."""
    with open(log or os.devnull, "wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "servicedesk", "worker"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_group(process: subprocess.Popen[bytes], *, kill: bool = False) -> None:
    """End `process` and everything it started: SIGTERM (or SIGKILL), then SIGKILL for
    whatever is left after 15 s."""
    _signal_group(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()
    _signal_group(process.pid, signal.SIGKILL)


def stop(server: LiveServer, *, kill: bool = False) -> None:
    """End the server and everything it started (its process group)."""
    group = server.process.pid  # the group's id: the session leader's pid
    _signal_group(group, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        _signal_group(group, signal.SIGKILL)
        server.process.wait()
    _signal_group(group, signal.SIGKILL)  # any worker that outlived its parent


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signum)


@contextmanager
def running(env: dict[str, str], *, workers: int = 1) -> Iterator[LiveServer]:
    server = start(env, workers=workers)
    try:
        yield server
    finally:
        stop(server)


READY_SECONDS = 30.0  # on an idle machine; stretched by its load (see _ready_deadline)


def _ready_deadline(started: float) -> float:
    """30 s on an idle machine, longer in proportion to the run queue per core (a
    server that took 13.5 s at load 8 on two cores must not fail at a fixed 30 s)."""
    per_core = os.getloadavg()[0] / (os.cpu_count() or 1)
    return started + READY_SECONDS * min(max(1.0, per_core), 6.0)


def _wait_until_ready(server: LiveServer) -> None:
    started = time.monotonic()
    while time.monotonic() < _ready_deadline(started):
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}")
        try:
            if httpx.get(f"{server.base_url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    stop(server, kill=True)
    raise TimeoutError("server did not become ready")

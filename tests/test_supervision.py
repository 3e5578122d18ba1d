"""Process supervision: `serve --workers 2` leaves no worker process behind when its
parent is killed outright, and `servicedesk worker` stops promptly on SIGTERM. Every
process here runs in a group of its own, ended by the helpers whatever happens."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from servicedesk.config import Settings
from servicedesk.db.database import Database
from tests import live_server

pytestmark = pytest.mark.e2e


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left


def _serving(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_workers_end_when_the_serving_parent_is_killed(
    settings: Settings, database: Database
) -> None:
    env = live_server.server_env(settings)
    server = live_server.start(env, workers=2)
    try:
        workers = [pid for pid in _children(server.process.pid) if _alive(pid)]
        assert len(workers) >= 2, workers  # uvicorn's two (and, maybe, a spawn helper)

        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.2)
        assert not [pid for pid in workers if _alive(pid)]
        assert not _serving(server.base_url)
    finally:
        live_server.stop(server, kill=True)


def _wait_for_line(log: Path, text: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90  # a busy CI machine loads scikit-learn slowly
    while text not in log.read_text(errors="replace"):
        assert process.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, f"no {text!r} in the worker's output"
        time.sleep(0.2)


def test_the_worker_command_stops_promptly_on_sigterm(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    env = live_server.server_env(settings)
    log = tmp_path / "worker.log"
    process = live_server.start_worker(env, log)
    try:
        # Its signal handlers are in place once its loop runs; before that, SIGTERM
        # ends Python the default way (status -15), which is not what is tested here.
        _wait_for_line(log, "worker_started", process)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert time.monotonic() - started < 20
    finally:
        live_server.stop_group(process, kill=True)

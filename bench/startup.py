"""Process start to first answered request: `servicedesk serve` on a fresh or an existing
SQLite data directory, timed from the exec to the first 200 from /healthz, and to the
first 200 from /readyz (ready: database answers and the starter model is loaded).

    python bench/startup.py [--runs 5]

Prints each run and the median; run by hand, reported in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answered(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=0.5) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def one_start(data_dir: Path) -> tuple[float, float]:
    """Seconds from exec to the first 200 on /healthz and on /readyz."""
    port = free_port()
    env = {**os.environ, "SERVICEDESK_DATA_DIR": str(data_dir), "SERVICEDESK_LOG_LEVEL": "WARNING"}
    env.pop("SERVICEDESK_DATABASE_URL", None)
    command = [sys.executable, "-m", "servicedesk", "serve", "--port", str(port)]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, start_new_session=True)
    healthy = ready = 0.0
    try:
        while not ready:
            if process.poll() is not None:
                raise SystemExit(f"server exited with {process.returncode}")
            elapsed = time.perf_counter() - started
            if elapsed > 60:
                raise SystemExit("no answer within 60 s")
            base = f"http://127.0.0.1:{port}"
            if not healthy and answered(f"{base}/healthz"):
                healthy = time.perf_counter() - started
            if healthy and answered(f"{base}/readyz"):
                ready = time.perf_counter() - started
            time.sleep(0.01)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    return healthy, ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        for label in ("fresh data dir (migrations, first model)", "existing data dir"):
            healthz, readyz = [], []
            for run in range(runs):
                data_dir = Path(scratch) / (f"fresh{run}" if label.startswith("fresh") else "kept")
                healthy, ready = one_start(data_dir)
                healthz.append(healthy)
                readyz.append(ready)
                print(f"{label}: healthz {healthy:.2f} s, readyz {ready:.2f} s")
            print(
                f"{label}: median healthz {statistics.median(healthz):.2f} s, "
                f"readyz {statistics.median(readyz):.2f} s\n"
            )


if __name__ == "__main__":
    main()

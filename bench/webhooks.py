"""Webhook delivery throughput, and what subscriptions add to ticket create.

    python bench/webhooks.py [--database-url URL] [--tickets 2000] [--duration 10]

1. Deliveries per second (run first, on an empty outbox): with the embedded worker
   off, TICKETS tickets are created for one subscription, then one `servicedesk
   worker` process is started and timed until the receiver has accepted every event.
2. Create latency: `servicedesk serve --workers 2` (production settings, rate limits
   off) is loaded with wrk on POST /api/v1/tickets while the tenant has 0, 1 and 10
   subscriptions, each pointing at a local receiver that answers 204: once with the
   embedded worker off (the cost of writing the deliveries in the transaction) and
   once with it delivering while wrk runs (what production sees on shared cores).

Prints a table and writes JSON to bench/results/. Needs wrk (`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from api import BODY, lua_script, run_wrk, start_server

RESULTS = Path(__file__).parent / "results"


class Receiver:
    """Counts POSTs and answers 204 over keep-alive connections."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.count += 1
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


WEBHOOK_ENV = {
    "SERVICEDESK_WEBHOOK_ALLOW_PRIVATE_URLS": "true",
    "SERVICEDESK_SECRET_KEY": "bench-secret-key",
}


def cli_env(args: argparse.Namespace, extra: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, **WEBHOOK_ENV, "SERVICEDESK_DATA_DIR": str(args.data_dir), **extra}
    if args.database_url:
        env["SERVICEDESK_DATABASE_URL"] = args.database_url
    return env


def new_keys(env: dict[str, str], tenant: str) -> tuple[str, str]:
    """A tickets:write key and a webhooks:manage key of a new tenant."""

    def run(*arguments: str) -> str:
        command = [sys.executable, "-m", "servicedesk", *arguments]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        return result.stdout.splitlines()[-1] if result.stdout else ""

    run("tenants", "create", tenant, "--if-not-exists")
    write = run("keys", "create", "--tenant", tenant, "--scope", "tickets:write")
    return write, run("keys", "create", "--tenant", tenant, "--scope", "webhooks:manage")


def subscribe(base_url: str, manage_key: str, url: str, count: int) -> None:
    for _ in range(count):
        response = httpx.post(
            base_url + "/api/v1/webhooks",
            json={"url": url, "events": ["ticket.*"]},
            headers={"X-API-Key": manage_key},
        )
        response.raise_for_status()


def create_latency(args: argparse.Namespace, *, delivering: bool) -> list[dict[str, Any]]:
    extra = {"SERVICEDESK_WORKER_EMBEDDED": "true" if delivering else "false"}
    write_key, manage_key = new_keys(cli_env(args, extra), f"bench-hooks-{int(time.time())}")
    receiver = Receiver()
    process, base_url = start_server(args, {**WEBHOOK_ENV, **extra})
    rows: list[dict[str, Any]] = []
    try:
        subscribed = 0
        for target in (0, 1, 10):
            subscribe(base_url, manage_key, receiver.url, target - subscribed)
            subscribed = target
            script = lua_script("POST", BODY, write_key)
            result = run_wrk(base_url, f"create, {target} subs", "/api/v1/tickets", script, args)
            rows.append({"subscriptions": target, "delivering": delivering, **result.__dict__})
    finally:
        process.terminate()
        process.wait()
    base = rows[0]
    for row in rows:
        row["added_p50_ms"] = round(row["p50_ms"] - base["p50_ms"], 2)
        row["added_p99_ms"] = round(row["p99_ms"] - base["p99_ms"], 2)
    return rows


def delivery_rate(args: argparse.Namespace) -> dict[str, Any]:
    extra = {"SERVICEDESK_WORKER_EMBEDDED": "false"}
    env = cli_env(args, extra)
    write_key, manage_key = new_keys(env, f"bench-drain-{int(time.time())}")
    receiver = Receiver()
    process, base_url = start_server(args, {**WEBHOOK_ENV, **extra})
    try:
        subscribe(base_url, manage_key, receiver.url, 1)
        with httpx.Client(base_url=base_url, headers={"X-API-Key": write_key}) as http:
            for _ in range(args.tickets):
                http.post(
                    "/api/v1/tickets", content=BODY, headers={"Content-Type": "application/json"}
                )
    finally:
        process.terminate()
        process.wait()
    worker = subprocess.Popen([sys.executable, "-m", "servicedesk", "worker"], env=env)
    started = time.perf_counter()
    try:
        while receiver.count < args.tickets:
            if time.perf_counter() - started > 600:
                raise SystemExit(f"only {receiver.count} of {args.tickets} delivered")
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait()
    return {
        "deliveries": args.tickets,
        "seconds": round(elapsed, 2),
        "deliveries_per_second": round(args.tickets / elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--label", default="run")
    args = parser.parse_args()
    if args.data_dir is None:
        args.data_dir = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))

    # The drain first: the create phase leaves deliveries queued that would be counted.
    rate = delivery_rate(args)
    # Delivering: the embedded worker sends while wrk runs (what production sees, on
    # two shared cores). Queued only: the cost of the fan-out rows in the transaction.
    # Delivering first: its backlog cannot slow the runs with the worker off.
    latency = create_latency(args, delivering=True) + create_latency(args, delivering=False)

    print(
        f"{'worker':>10} {'subscriptions':>13} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'+p50':>7} {'+p99':>7}"
    )
    for row in latency:
        mode = "delivering" if row["delivering"] else "off"
        print(
            f"{mode:>10} {row['subscriptions']:>13} {row['requests_per_second']:>9.0f} "
            f"{row['p50_ms']:>8.2f} "
            f"{row['p99_ms']:>8.2f} {row['added_p50_ms']:>7.2f} {row['added_p99_ms']:>7.2f}"
        )
    print(
        f"deliveries: {rate['deliveries']} in {rate['seconds']} s = "
        f"{rate['deliveries_per_second']}/s (one worker process)"
    )
    RESULTS.mkdir(exist_ok=True)
    backend = "postgresql" if args.database_url else "sqlite"
    output = RESULTS / f"webhooks-{backend}-{args.label}.json"
    output.write_text(json.dumps({"create": latency, "delivery": rate}, indent=2))
    print(f"written to {output}")


if __name__ == "__main__":
    main()

"""Load the real server with wrk and compare every endpoint with GET /healthz.

    python bench/api.py --key KEY [--database-url URL | --data-dir DIR] [--label 1m]

Starts `servicedesk serve --workers 2` (production settings, rate limits off, warnings
only in the log) on a free loopback port, runs wrk from a separate process for each
scenario, prints a table (req/s, p50, p99, ratio to /healthz) and writes it as JSON to
bench/results/. KEY is a key of a tenant seeded with bench/seed.py. Needs wrk
(`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from servicedesk.triage.starter import examples


def create_bodies(count: int = 200, seed: int = 7) -> list[str]:
    """Create bodies worded like bench/seed.py's tickets (the starter examples), so the
    tickets a run adds do not crowd the newest tickets with one text that searches then
    have to walk past."""
    rng = random.Random(seed)
    texts = [example.text for example in examples()]
    return [
        json.dumps(
            {
                "subject": rng.choice(texts)[:255],
                "description": f"{rng.choice(texts)} {rng.choice(texts)}",
                "priority": rng.choice(["low", "medium", "high", "urgent"]),
                "requester_email": f"user{rng.randrange(5000)}@example.com",
                "metadata": {"source": "bench"},
            }
        )
        for _ in range(count)
    ]


@dataclass
class Result:
    scenario: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    ratio_to_healthz: float = 0.0
    errors: int = 0


def lua_script(
    method: str,
    key: str,
    *,
    body: str | None = None,
    bodies: list[str] | None = None,
    unique_idempotency: bool = False,
    ticket_ids: list[str] | None = None,
) -> str:
    """A wrk script: one fixed request, or one that picks a ticket id and/or a body at
    random and numbers its Idempotency-Key per thread."""
    lines = [f'wrk.method = "{method}"', f'wrk.headers["X-API-Key"] = "{key}"']
    if body is not None or bodies:
        lines.append('wrk.headers["Content-Type"] = "application/json"')
    if body is not None:
        lines.append(f"wrk.body = {json.dumps(body)}")
    if not (bodies or ticket_ids or unique_idempotency):
        return "\n".join(lines) + "\n"
    path = "nil"
    if ticket_ids:
        listed = ", ".join(f'"{ticket_id}"' for ticket_id in ticket_ids)
        lines.append(f"local ids = {{{listed}}}")
        path = "'/api/v1/tickets/' .. ids[math.random(#ids)]"
    chosen = "nil"
    if bodies:
        # Lua reads a JSON string literal as its own, given no \\u escapes: raw UTF-8.
        quoted = (json.dumps(b, ensure_ascii=False) for b in bodies)
        lines.append("local bodies = {" + ", ".join(quoted) + "}")
        chosen = "bodies[math.random(#bodies)]"
    # Each thread has its own Lua state and the same unseeded math.random: number them.
    lines += [
        "local n = 0",
        "function setup(thread) n = n + 1; thread:set('tid', n) end",
        "function init(args) counter = 0; math.randomseed(tid * 7919) end",
    ]
    run = uuid.uuid4().hex[:8]
    lines.append("function request()")
    if unique_idempotency:
        lines += [
            "  counter = counter + 1",
            f"  wrk.headers['Idempotency-Key'] = '{run}-' .. tid .. '-' .. counter",
        ]
    lines += [f"  return wrk.format(nil, {path}, nil, {chosen})", "end"]
    return "\n".join(lines) + "\n"


def parse_wrk(scenario: str, output: str) -> Result:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]

    def percentile(p: str) -> float:
        match = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        assert match, output
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Result(
        scenario,
        rps,
        percentile("50"),
        percentile("99"),
        0.0,
        int(errors.group(1)) if errors else 0,
    )


def run_wrk(
    base_url: str, scenario: str, path: str, script: str, args: argparse.Namespace
) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--latency",
        "-s",
        handle.name,
        base_url + path,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(handle.name)
    return parse_wrk(scenario, output)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    args: argparse.Namespace, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    env = {
        **os.environ,
        "SERVICEDESK_RATE_LIMIT_ENABLED": "false",
        "SERVICEDESK_LOG_LEVEL": "WARNING",
        "SERVICEDESK_ENVIRONMENT": "production",
        **(extra_env or {}),
    }
    if args.database_url:
        env["SERVICEDESK_DATABASE_URL"] = args.database_url
    env["SERVICEDESK_DATA_DIR"] = str(args.data_dir)
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "servicedesk",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        env=env,
    )
    base_url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base_url + "/readyz").status_code == 200:
                return process, base_url
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # not answering yet, or answering 503 "starting"
    process.kill()
    raise SystemExit("server did not start")


def sample_ticket_ids(base_url: str, key: str, count: int = 500) -> list[str]:
    """Tickets spread over the first pages, so GET and PATCH don't all hit one row."""
    ids: list[str] = []
    params: dict[str, str | int] = {"limit": 100}
    while len(ids) < count:
        page = httpx.get(
            base_url + "/api/v1/tickets", params=params, headers={"X-API-Key": key}
        ).json()
        ids += [ticket["id"] for ticket in page["tickets"]]
        if not page["next_cursor"]:
            break
        params = {"limit": 100, "cursor": page["next_cursor"]}
    return ids[:count]


def scenarios(base_url: str, key: str) -> list[tuple[str, str, str]]:
    ids = sample_ticket_ids(base_url, key)
    bodies = create_bodies()
    patch = '{"priority": "low"}'
    return [
        ("healthz", "/healthz", lua_script("GET", key)),
        # One database round trip (SELECT 1) and no key: the floor under every endpoint.
        ("readyz", "/readyz", lua_script("GET", key)),
        ("create", "/api/v1/tickets", lua_script("POST", key, bodies=bodies)),
        (
            "create + Idempotency-Key",
            "/api/v1/tickets",
            lua_script("POST", key, bodies=bodies, unique_idempotency=True),
        ),
        ("get", "/api/v1/tickets", lua_script("GET", key, ticket_ids=ids)),
        ("list (first page)", "/api/v1/tickets", lua_script("GET", key)),
        ("list (status=pending)", "/api/v1/tickets?status=pending", lua_script("GET", key)),
        (
            "list (dates)",
            "/api/v1/tickets?start_date=2026-06-01&end_date=2026-06-30",
            lua_script("GET", key),
        ),
        ("list (offset=10000)", "/api/v1/tickets?offset=10000", lua_script("GET", key)),
        ("patch", "/api/v1/tickets", lua_script("PATCH", key, body=patch, ticket_ids=ids)),
        # Full text over bench/seed.py's words: in 17% of tickets, 1.8%, 0.9%, two words
        # that always come together (1.8%), two that rarely do, and two in 0.2% of tickets.
        ("search printer", "/api/v1/tickets?search=printer", lua_script("GET", key)),
        ("search toner", "/api/v1/tickets?search=toner", lua_script("GET", key)),
        ("search fingerprint", "/api/v1/tickets?search=fingerprint", lua_script("GET", key)),
        (
            "search vpn disconnects",
            "/api/v1/tickets?search=vpn%20disconnects",
            lua_script("GET", key),
        ),
        (
            "search jammed tray",
            "/api/v1/tickets?search=jammed%20tray",
            lua_script("GET", key),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--key", required=True)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--data-dir", type=Path, default=Path("bench/results/data"))
    parser.add_argument("--label", default="run")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default=None, help="run only scenarios containing this")
    parser.add_argument(
        "--fresh-copy",
        action="store_true",
        help="SQLite: serve a copy of --data-dir made for this run, so that the tickets a "
        "run creates do not make the next run's database larger",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="bench-api-") as scratch:
        if args.fresh_copy:
            args.data_dir = fresh_copy(args, Path(scratch))
        run(args)


def fresh_copy(args: argparse.Namespace, scratch: Path) -> Path:
    if args.database_url:
        raise SystemExit("--fresh-copy is for the embedded SQLite (--data-dir)")
    copied = scratch / "data"
    # The -wal file too: a seeded database may not have been checkpointed.
    shutil.copytree(args.data_dir, copied, ignore=shutil.ignore_patterns("metrics"))
    return copied


def run(args: argparse.Namespace) -> None:
    process, base_url = start_server(args)
    try:
        chosen = [
            (name, path, script)
            for name, path, script in scenarios(base_url, args.key)
            if args.only is None or args.only in name or name in ("healthz", "readyz")
        ]
        # Warm-up: the first seconds after start (imports finishing, the pool filling)
        # are not the server's speed.
        healthz = chosen[0]
        run_wrk(base_url, *healthz, argparse.Namespace(**{**vars(args), "duration": 3}))
        results = [run_wrk(base_url, name, path, script, args) for name, path, script in chosen]
        # /healthz again at the end: the ratio is to the mean of both, so that a change
        # of the machine's speed during the run (other load on a shared host) shows as
        # the gap between them rather than as a skewed ratio.
        closing = run_wrk(base_url, *healthz, args)
    finally:
        process.terminate()
        process.wait(timeout=30)

    opening = results[0].requests_per_second
    ceiling = (opening + closing.requests_per_second) / 2
    print(f"healthz at start {opening:.0f} req/s, at end {closing.requests_per_second:.0f}")
    for result in results:
        result.ratio_to_healthz = round(result.requests_per_second / ceiling, 3)
    database = "postgresql" if args.database_url else "sqlite"
    load = f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s"
    print(f"\n{database}, {args.label}: {args.workers} workers, {load}")
    print(f"{'scenario':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'non-2xx':>8}")
    for r in results:
        numbers = f"{r.requests_per_second:9.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f}"
        print(f"{r.scenario:28} {numbers} {r.ratio_to_healthz:6.2f} {r.errors:8d}")
    out = Path("bench/results") / f"api-{database}-{args.label}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps([asdict(r) for r in results], indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()

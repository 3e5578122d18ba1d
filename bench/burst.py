"""One tenant's burst against another tenant's writes: fairness and overload.

The attack of issue 14: tenant A sends creates with 60 KB descriptions from 48 clients
as fast as they are answered (far under its rate limit, which is off here), while
tenant B creates small tickets from one client. Both run at once with wrk for the same
time; printed for each: req/s, p50, p99 and the answers that were not 201 (wrk counts
them; 503 with Retry-After is the documented overload answer, a 500 would be a bug).

    python bench/burst.py --attacker-key KA --victim-key KB --data-dir DIR
        [--database-url URL] [--duration 30] [--workers 2]

Keys for two tenants (bench/seed.py makes "bench" and "bench-other-0"; `servicedesk
keys create --tenant T --scope tickets:write`). Also run with `--victim-only` for the
victim's numbers on an idle server, the baseline the burst is compared with.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from api import Result, lua_script, parse_wrk, start_server

DESCRIPTION_BYTES = 60_000


def attacker_body() -> str:
    words = "printer toner tray jammed vpn disconnects laptop screen flickers again "
    description = (words * (DESCRIPTION_BYTES // len(words) + 1))[:DESCRIPTION_BYTES]
    return json.dumps({"subject": "Everything is broken", "description": description})


VICTIM_BODY = json.dumps({"subject": "VPN drops", "description": "Disconnects hourly."})


# Counts the answers by status in each wrk thread and prints them at the end.
COUNT_STATUSES = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do io.write("status ", status, ": ", count, "\\n") end
end
"""


def wrk(base_url: str, key: str, body: str, connections: int, seconds: int) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(lua_script("POST", key, body=body) + COUNT_STATUSES)
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["--timeout", "60s", "-s", handle.name, base_url + "/api/v1/tickets"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    Path(handle.name).unlink()
    return output


def status_counts(output: str) -> str:
    counted = sorted(
        line.removeprefix("status ") for line in output.splitlines() if line.startswith("status ")
    )
    return ", ".join(counted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attacker-key", required=True)
    parser.add_argument("--victim-key", required=True)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--attackers", type=int, default=48)
    parser.add_argument("--victim-only", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")

    process, base_url = start_server(args)
    outputs: dict[str, str] = {}
    try:
        wrk(base_url, args.victim_key, VICTIM_BODY, 1, 3)  # warm-up
        runners = [("victim", args.victim_key, VICTIM_BODY, 1)]
        if not args.victim_only:
            runners.append(("attacker", args.attacker_key, attacker_body(), args.attackers))
        threads = [
            threading.Thread(
                target=lambda n=name, k=key, b=body, c=conns: outputs.__setitem__(
                    n, wrk(base_url, k, b, c, args.duration)
                )
            )
            for name, key, body, conns in runners
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        process.terminate()
        process.wait(timeout=60)

    database = "postgresql" if args.database_url else "sqlite"
    print(f"{database}, {args.workers} workers, {args.duration} s")
    print(f"{'who':10} {'req/s':>8} {'p50 ms':>9} {'p99 ms':>9}  answers")
    for name, output in outputs.items():
        result: Result = parse_wrk(name, output)
        numbers = f"{result.requests_per_second:8.1f} {result.p50_ms:9.1f} {result.p99_ms:9.1f}"
        print(f"{name:10} {numbers}  {status_counts(output)}")


if __name__ == "__main__":
    main()

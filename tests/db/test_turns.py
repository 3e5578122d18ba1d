"""Processes sharing the SQLite file take the write turn fairly: one that writes without a
pause does not keep another waiting until it stops."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

# Holds its first turn for 0.5 s, then takes a 5 ms turn after another, asking again the
# moment it gives one (a process whose queue of writes never empties), for 2 s; then
# prints when each of its turns began.
HOG = """
import asyncio, sys, time
from pathlib import Path
from servicedesk.db.turns import ProcessTurns

async def main() -> None:
    turns = ProcessTurns(Path(sys.argv[1]))
    await turns.take()
    print("holding", flush=True)
    began = []
    time.sleep(0.5)
    end = time.monotonic() + 2
    while time.monotonic() < end:
        turns.give()
        await turns.take()
        began.append(time.monotonic())
        time.sleep(0.005)
    turns.give()
    print(" ".join(map(str, began)), flush=True)

asyncio.run(main())
"""

# Asks for the turn once; prints when it got it.
WAITER = """
import asyncio, sys, time
from pathlib import Path
from servicedesk.db.turns import ProcessTurns

async def main() -> None:
    turns = ProcessTurns(Path(sys.argv[1]))
    await turns.take()
    print(time.monotonic(), flush=True)
    turns.give()

asyncio.run(main())
"""


def test_a_process_that_asks_again_at_once_lets_the_one_waiting_go_first(
    tmp_path: Path,
) -> None:
    """The waiting process is stopped while in line, so that it cannot race the giver
    for the free lock (on a loaded server its woken thread waits for a core): the giver
    must wait for it rather than take turn after turn (plain flock: 70 turns in the
    0.3 s it waited; under load in the server, waits of 0.5 s)."""
    lock = tmp_path / "servicedesk.db.writer-lock"
    started: list[subprocess.Popen[str]] = []
    try:
        hog = _start(started, HOG, str(lock))
        assert hog.stdout is not None
        assert hog.stdout.readline() == "holding\n"
        waiter = _start(started, WAITER, str(lock))
        _wait_until_in_line(lock)
        os.kill(waiter.pid, signal.SIGSTOP)
        time.sleep(0.8)  # the hog's long first turn ends meanwhile
        os.kill(waiter.pid, signal.SIGCONT)
        got = float(waiter.communicate(timeout=60)[0])
        began = [float(moment) for moment in hog.communicate(timeout=60)[0].split()]
        assert began, "the hog took no turn after its first"
        taken_while_waiting = [moment for moment in began if moment < got]
        assert taken_while_waiting == []
    finally:
        for process in started:
            with contextlib.suppress(ProcessLookupError):  # the group has ended
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_until_in_line(lock: Path) -> None:
    """Until a process holds the line (`servicedesk.db.turns`: shared, while it waits)."""
    line = lock.with_name(lock.name + ".queue")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with line.open("a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
        time.sleep(0.005)
    raise AssertionError("the waiting process never got in line")


def _start(started: list[subprocess.Popen[str]], script: str, *args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    started.append(process)
    return process

"""Whose turn it is to write the SQLite file, among the processes that share it
(`serve --workers N`, `servicedesk worker`, the CLI), handed on fairly.

The turn is an advisory lock (`flock`) on a file beside the database. A process that
waits for it waits in a thread, which the kernel wakes the moment the lock is free,
instead of SQLite's sleeping retries.

`flock` alone is not fair. A process with more work releases the lock and asks again
within microseconds, before the kernel has run the other process's woken thread, and
gets it back: under 32 connections (bench/api.py) one process's writer waited 528 ms
inside `flock` while the other took turn after turn, and creates had a p99 of 190 to
480 ms. So a process waiting in line says so, by holding a shared lock on a second file
(`.queue`) while it waits; a process that sees someone in line waits until they have had
the turn, then gets in line itself. Two processes with endless work alternate.
"""

from __future__ import annotations

import asyncio
import fcntl
from pathlib import Path


class ProcessTurns:
    """The turn to write among processes: `take` before a batch, `give` after it."""

    def __init__(self, path: Path) -> None:
        self._turn = open(path, "a+b")  # noqa: SIM115 - held for the writer's life
        self._line = open(path.with_name(path.name + ".queue"), "a+b")  # noqa: SIM115

    async def take(self) -> None:
        """This process's turn; waits in a thread only when another process holds it
        or is in line for it."""
        if not self._someone_in_line() and self._take_now():
            return
        await asyncio.to_thread(self._wait_in_line)

    def give(self) -> None:
        fcntl.flock(self._turn, fcntl.LOCK_UN)

    def close(self) -> None:
        self._turn.close()
        self._line.close()

    def _take_now(self) -> bool:
        try:
            fcntl.flock(self._turn, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _someone_in_line(self) -> bool:
        # Anyone in line holds the line's file shared, so an exclusive try fails. (It also
        # fails while another process makes this same check: then this one queues too.)
        try:
            fcntl.flock(self._line, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(self._line, fcntl.LOCK_UN)
        return False

    def _wait_in_line(self) -> None:
        # First until everyone already in line has had the turn: the exclusive lock is
        # granted once none of them holds the line any more. Then in line, shared.
        fcntl.flock(self._line, fcntl.LOCK_EX)
        fcntl.flock(self._line, fcntl.LOCK_SH)
        try:
            fcntl.flock(self._turn, fcntl.LOCK_EX)
        finally:
            fcntl.flock(self._line, fcntl.LOCK_UN)

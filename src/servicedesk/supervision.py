"""Server worker processes that do not outlive their supervisor.

`servicedesk serve --workers N` runs N uvicorn worker processes under one parent. If the
parent dies without stopping them (`kill -9`, an OOM kill), the workers would go on
serving the port and draining the outbox, unseen by whatever supervises the parent. Each
worker therefore watches its parent: when it is no longer the supervisor that started
it, the worker stops itself as on SIGTERM (running jobs finish or are handed back).
"""

from __future__ import annotations

import asyncio
import os
import signal

from servicedesk.logs import get_logger

log = get_logger(__name__)

SUPERVISOR_ENV = "SERVICEDESK_SUPERVISOR_PID"
CHECK_SECONDS = 1.0


def mark_supervisor() -> None:
    """Called by `serve` before it starts worker processes, which inherit the mark."""
    os.environ[SUPERVISOR_ENV] = str(os.getpid())


def supervisor_pid() -> int | None:
    """The supervisor this process was started by, or None when it serves alone."""
    value = os.environ.get(SUPERVISOR_ENV, "")
    if not value.isdigit() or int(value) == os.getpid():
        return None
    return int(value)


async def stop_when_orphaned(supervisor: int, seconds: float = CHECK_SECONDS) -> None:
    """Wait until the parent is no longer `supervisor`, then SIGTERM this process."""
    # Nothing signals a parent's death to a child portably: asking is the way.
    while os.getppid() == supervisor:  # noqa: ASYNC110
        await asyncio.sleep(seconds)
    log.warning("supervisor_gone", supervisor_pid=supervisor, pid=os.getpid())
    os.kill(os.getpid(), signal.SIGTERM)

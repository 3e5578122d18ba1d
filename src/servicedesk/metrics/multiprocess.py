"""The directory prometheus-client's multiprocess mode keeps its per-process files in.

prometheus-client picks its storage when it is first imported, from
`PROMETHEUS_MULTIPROC_DIR`: `prepare` sets that before anything imports it, in the
process that starts the others (`serve` before uvicorn spawns its workers, which
inherit the environment; `servicedesk worker` for itself). The files of processes that
are gone are removed when `serve` starts, so the directory does not grow with every
restart; a counter that restarts from zero is what Prometheus's `rate()` expects.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from servicedesk.config import Settings
from servicedesk.logs import get_logger

log = get_logger(__name__)

ENVIRONMENT = "PROMETHEUS_MULTIPROC_DIR"
_PID_IN_NAME = re.compile(r"_(\d+)\.db$")


def directory(settings: Settings) -> Path:
    return settings.metrics_dir or settings.data_dir / "metrics"


def prepare(settings: Settings, *, forget_dead: bool) -> None:
    """Point this process (and the ones it starts) at the shared directory."""
    if not settings.metrics_enabled:
        return
    path = directory(settings)
    path.mkdir(parents=True, exist_ok=True)
    if forget_dead:
        removed = _remove_files_of_dead_processes(path)
        if removed:
            log.info("metrics_files_of_stopped_processes_removed", count=removed)
    os.environ[ENVIRONMENT] = str(path)


def is_shared() -> bool:
    return bool(os.environ.get(ENVIRONMENT))


def _remove_files_of_dead_processes(path: Path) -> int:
    removed = 0
    for file in path.glob("*.db"):
        match = _PID_IN_NAME.search(file.name)
        if match and not _alive(int(match.group(1))):
            file.unlink(missing_ok=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: leave its files alone
    return True

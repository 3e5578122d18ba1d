"""`servicedesk serve`, `worker` and `openapi`: running the service."""

from __future__ import annotations

import asyncio
import json
import signal
from typing import Annotated

import typer
import uvicorn

from servicedesk import instruments, supervision
from servicedesk.cli.base import (
    app,
)
from servicedesk.config import Settings, get_settings
from servicedesk.db import migrate
from servicedesk.logs import configure_logging
from servicedesk.metrics import multiprocess


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the API (migrating the schema first unless SERVICEDESK_AUTO_MIGRATE=false)."""
    settings: Settings = get_settings()
    if settings.auto_migrate:
        migrate.upgrade(settings)
    if workers > 1:
        supervision.mark_supervisor()
    multiprocess.prepare(settings, forget_dead=True)
    uvicorn.run(
        "servicedesk.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        server_header=False,
        # Forwarded headers only from the proxies named (uvicorn trusts loopback's by
        # default: any local process could then claim any client address).
        proxy_headers=bool(settings.trusted_proxy_list),
        forwarded_allow_ips=settings.trusted_proxy_list,
        # A time limit and size limits on each request's head (servicedesk.slow_clients).
        http="servicedesk.slow_clients:GuardedHttpToolsProtocol",
    )


@app.command()
def worker() -> None:
    """Drain the outbox (webhook deliveries, provider syncs) without serving the API; run
    as many as needed. Stops cleanly on SIGTERM or Ctrl-C."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    if settings.auto_migrate:
        migrate.upgrade(settings)
    if settings.metrics_enabled:
        # Counted into this host's shared directory: the API's /metrics shows them.
        multiprocess.prepare(settings, forget_dead=False)
        instruments.enable()
    asyncio.run(_run_worker(settings))


@app.command()
def openapi() -> None:
    """Print the API's OpenAPI document (what /openapi.json serves), for generating a
    client without a running server."""
    from servicedesk.app import create_app

    document = create_app(get_settings()).openapi()
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False))


async def _run_worker(settings: Settings) -> None:
    # Imported here: the handlers pull in the triage engine (scikit-learn), which the
    # other commands (keys, tenants, db) do not need to start quickly.
    from servicedesk.composition import assembled, running_worker
    from servicedesk.triage.starter import starter_models

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await asyncio.to_thread(starter_models, settings.cache_dir)
    if stop.is_set():
        return  # stopped while it was starting
    async with (
        assembled(settings) as (database, tickets),
        running_worker(database, settings, tickets) as job_worker,
    ):
        await job_worker.run(stop)

"""The `servicedesk` command line: serve, worker, db, tenants, keys."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.auth import repository as auth_repository
from servicedesk.auth import service as auth
from servicedesk.auth.scopes import Scope
from servicedesk.config import Settings, get_settings
from servicedesk.db import migrate
from servicedesk.db.session import Database
from servicedesk.jobs.setup import running_worker
from servicedesk.logs import configure_logging

app = typer.Typer(help="servicedesk: IT service desk API.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
tenants_app = typer.Typer(help="Tenants (organisations).", no_args_is_help=True)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(tenants_app, name="tenants")
app.add_typer(keys_app, name="keys")

T = TypeVar("T")


def _in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction on the configured database."""
    settings = get_settings()
    if settings.auto_migrate:
        migrate.upgrade(settings)

    async def run() -> T:
        database = Database(settings)
        try:
            async with database.write_sessions() as session, session.begin():
                return await work(session)
        finally:
            await database.dispose()

    return asyncio.run(run())


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


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
    uvicorn.run(
        "servicedesk.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        server_header=False,
    )


@app.command()
def worker() -> None:
    """Drain the outbox (webhook deliveries) without serving the API; run as many as
    needed. Stops cleanly on SIGTERM or Ctrl-C."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    if settings.auto_migrate:
        migrate.upgrade(settings)
    asyncio.run(_run_worker(settings))


async def _run_worker(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    database = Database(settings)
    try:
        async with running_worker(database, settings) as job_worker:
            await job_worker.run(stop)
    finally:
        await database.dispose()


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Migrate the database to REVISION (default: the newest)."""
    migrate.upgrade(get_settings(), revision)
    typer.echo(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Migrate the database back to REVISION ("base" empties it)."""
    migrate.downgrade(get_settings(), revision)
    typer.echo(f"database at {revision}")


@tenants_app.command("create")
def tenants_create(
    name: str,
    if_not_exists: Annotated[
        bool, typer.Option("--if-not-exists", help="Succeed if the tenant exists.")
    ] = False,
) -> None:
    """Create the tenant NAME."""

    async def work(session: AsyncSession) -> str:
        if if_not_exists:
            tenant = await auth.get_or_create_tenant(session, name)
        else:
            tenant = await auth.create_tenant(session, name)
        return str(tenant.id)

    try:
        tenant_id = _in_transaction(work)
    except auth.TenantExists:
        raise _fail(f"tenant {name!r} already exists") from None
    typer.echo(f"tenant {name} {tenant_id}")


@tenants_app.command("list")
def tenants_list() -> None:
    """List the tenants."""

    async def work(session: AsyncSession) -> list[str]:
        return [f"{t.name}\t{t.id}" for t in await auth_repository.list_tenants(session)]

    for line in _in_transaction(work):
        typer.echo(line)


@keys_app.command("create")
def keys_create(
    tenant: Annotated[str, typer.Option(help="Tenant name.")],
    scope: Annotated[list[Scope], typer.Option(help="A scope; repeat for several.")],
    name: Annotated[str, typer.Option(help="A label for the key.")] = "",
) -> None:
    """Create a key; its plaintext is printed alone on the last line, once."""

    async def work(session: AsyncSession) -> tuple[str, str]:
        owner = await auth.require_tenant(session, tenant)
        key, plaintext = await auth.create_api_key(session, owner, scope, name)
        return key.id, plaintext

    try:
        key_id, plaintext = _in_transaction(work)
    except auth.UnknownTenant:
        raise _fail(f"no tenant named {tenant!r}") from None
    scopes = ", ".join(sorted(s.value for s in set(scope)))
    typer.echo(f"created {key_id} for tenant {tenant} with scopes {scopes}")
    typer.echo("the key is shown only now:")
    typer.echo(plaintext)


@keys_app.command("list")
def keys_list(tenant: Annotated[str, typer.Option(help="Tenant name.")]) -> None:
    """List a tenant's keys (never their secrets)."""

    async def work(session: AsyncSession) -> list[str]:
        owner = await auth.require_tenant(session, tenant)
        return [
            "\t".join(
                [
                    key.id,
                    key.display_prefix,
                    ",".join(key.scopes),
                    "revoked" if key.revoked_at else "active",
                    key.created_at.isoformat(),
                    key.name,
                ]
            )
            for key in await auth.list_api_keys(session, owner)
        ]

    try:
        lines = _in_transaction(work)
    except auth.UnknownTenant:
        raise _fail(f"no tenant named {tenant!r}") from None
    for line in lines:
        typer.echo(line)


@keys_app.command("revoke")
def keys_revoke(key_id: str) -> None:
    """Revoke the key KEY_ID; it stops working at once."""
    if not _in_transaction(lambda session: auth.revoke_api_key(session, key_id)):
        raise _fail(f"no active key {key_id}")
    typer.echo(f"revoked {key_id}")

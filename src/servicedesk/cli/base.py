"""The `servicedesk` command line's root and its groups, the settings check every command
runs first, and the helpers the commands share."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.config import get_settings
from servicedesk.db import migrate
from servicedesk.db.database import Database

app = typer.Typer(help="servicedesk: IT service desk API.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
tenants_app = typer.Typer(help="Tenants (organisations).", no_args_is_help=True)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(tenants_app, name="tenants")
app.add_typer(keys_app, name="keys")
triage_app = typer.Typer(help="AI triage models.", no_args_is_help=True)
app.add_typer(triage_app, name="triage")
users_app = typer.Typer(help="People who sign in to the console.", no_args_is_help=True)
app.add_typer(users_app, name="users")
provider_app = typer.Typer(help="A tenant's ITSM provider (Freshservice, Zendesk).")
app.add_typer(provider_app, name="provider", no_args_is_help=True)

T = TypeVar("T")


def in_transaction(work: Callable[[Session], T]) -> T:
    """Run `work` in one committed transaction on the configured database."""
    return with_database(lambda database: database.write(work))


def with_database(use: Callable[[Database], Awaitable[T]]) -> T:
    """Run `use` on the configured database (migrated first, unless switched off)."""
    settings = get_settings()
    if settings.auto_migrate:
        migrate.upgrade(settings)

    async def run() -> T:
        database = Database(settings)
        try:
            return await use(database)
        finally:
            await database.dispose()

    return asyncio.run(run())


def print_lines(tenant: str, work: Callable[[Session], list[str]]) -> None:
    """Print what `work` lists of the tenant `tenant`, a line each."""
    try:
        lines = in_transaction(work)
    except auth.UnknownTenant:
        raise fail(f"no tenant named {tenant!r}") from None
    for line in lines:
        typer.echo(line)


def fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


@app.callback()
def _settings_checked() -> None:
    """Every command reads the settings first: a bad one is a line naming it, never a
    traceback from deep inside the command."""
    try:
        get_settings()
    except ValidationError as error:
        for problem in error.errors():
            name = "SERVICEDESK_" + "_".join(str(part) for part in problem["loc"]).upper()
            message = str(problem["msg"]).removeprefix("Value error, ")
            typer.echo(f"error: {name}: {message}", err=True)
        raise typer.Exit(code=2) from None


TenantName = Annotated[str, typer.Option("--tenant", help="Tenant name.")]
UserRef = Annotated[str, typer.Argument(help="The user's email or id.")]


def tenant_id_of(session: Session, name: str) -> uuid.UUID:
    return auth.require_tenant(session, name).id

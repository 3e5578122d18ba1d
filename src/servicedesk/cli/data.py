"""`servicedesk db` (upgrade, downgrade, copy), `export` and `import`: the data itself."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from servicedesk import registry
from servicedesk.cli.base import (
    app,
    db_app,
    fail,
)
from servicedesk.config import get_settings
from servicedesk.db import migrate


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


@db_app.command("copy")
def db_copy(
    to: Annotated[
        str, typer.Option("--to", help="The empty target database's URL (postgresql://...).")
    ],
) -> None:
    """Copy the whole installation (every tenant, key, ticket and setting) into another,
    empty database, migrated first. Stop the service first: writes made meanwhile are
    not copied. Then point SERVICEDESK_DATABASE_URL at the target."""
    from servicedesk.db import copy

    source = get_settings()
    target = source.model_copy(update={"database_url": to})
    if target.sqlalchemy_url == source.sqlalchemy_url:
        raise fail("the target is the database the installation already uses")
    migrate.upgrade(source)
    migrate.upgrade(target)

    def report(table: copy.TableCopied) -> None:
        typer.echo(f"{table.table}: {table.rows} rows")

    try:
        copied = asyncio.run(copy.copy_installation(source, target, registry.tables(), report))
    except copy.TargetNotEmpty as empty_needed:
        raise fail(f"{empty_needed}; copy into an empty database") from None
    total = sum(table.rows for table in copied)
    typer.echo(f"copied {total} rows in {len(copied)} tables; now set SERVICEDESK_DATABASE_URL")


@app.command("export")
def export(
    tenant: Annotated[str, typer.Option(help="The tenant to export.")],
    output: Annotated[
        Path, typer.Option(help="The file to write (JSON Lines; gzip if it ends in .gz).")
    ],
) -> None:
    """Write everything of one tenant to a file: tickets, notes, events, settings, users,
    keys (as hashes), secrets (encrypted) and attachments. Safe while the service runs."""
    from servicedesk.backup import export as exporting

    if not output.parent.is_dir() or output.is_dir():
        raise fail(f"cannot write {output}: name a file in an existing directory")
    settings = get_settings()
    migrate.upgrade(settings)
    try:
        tally = asyncio.run(exporting.export_tenant(settings, tenant, output, typer.echo))
    except exporting.UnknownTenant as unknown:
        raise fail(str(unknown)) from None
    typer.echo(f"exported {sum(tally.rows.values())} rows of {tenant!r} to {output}")


@app.command("import")
def import_(
    input_: Annotated[Path, typer.Option("--input", help="A file `servicedesk export` wrote.")],
    tenant: Annotated[
        str | None, typer.Option(help="Name the tenant this, not as it was exported.")
    ] = None,
) -> None:
    """Read one tenant's export into this installation, whole or not at all. It needs the
    exporting installation's SERVICEDESK_SECRET_KEY to keep its encrypted secrets."""
    from servicedesk.backup import archive, restore

    if not input_.is_file():
        raise fail(f"no file {input_}")
    settings = get_settings()
    migrate.upgrade(settings)
    try:
        tally = asyncio.run(restore.import_tenant(settings, input_, tenant, typer.echo))
    except (restore.ImportRefused, archive.ArchiveError) as refused:
        raise fail(f"{refused}; nothing was imported") from None
    typer.echo(f"imported {sum(tally.rows.values())} rows")

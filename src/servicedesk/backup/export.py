"""`servicedesk export --tenant T --output FILE`: one tenant, streamed into an export file.

Rows are read in one snapshot, table by table in primary-key order, and written as they
arrive: memory holds one batch, whatever the tenant's size. Secrets stay as stored: API
keys and passwords as their hashes, credentials encrypted. The file is written beside
its final name and renamed into place when whole, readable by its owner only.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from servicedesk.backup import archive, repository
from servicedesk.backup.tables import tenant_tables
from servicedesk.config import Settings
from servicedesk.crypto import secret_box
from servicedesk.db import migrate
from servicedesk.db.streaming import batch_rows, begin_snapshot, streaming_engine
from servicedesk.storage.blobs import LocalBlobStore

# Told a table's name and its rows once the table is written; or a warning.
Progress = Callable[[str], None]


class UnknownTenant(Exception):
    """No tenant has that name."""


async def export_tenant(
    settings: Settings, tenant: str, output: Path, progress: Progress | None = None
) -> archive.Tally:
    """Write everything of `tenant` to `output`; returns what the file holds."""
    report = progress or (lambda _message: None)
    draft = output.with_name(f".{output.name}.partial")
    async with streaming_engine(settings) as engine, engine.connect() as connection:
        await begin_snapshot(connection)
        header = await _header(connection, settings, tenant)
        _create_private(draft)
        try:
            with archive.open_for_writing(draft, compressed=output.suffix == ".gz") as handle:
                handle.write(archive.dumps(header.line()))
                tally = archive.Tally()
                for table in tenant_tables():
                    await _write_table(connection, handle, table, header.tenant_id, tally)
                    report(f"{table.name}: {tally.rows.get(table.name, 0)} rows")
                await _write_blobs(connection, handle, settings, header.tenant_id, tally, report)
                handle.write(archive.dumps(tally.line()))
            _sync_to_disk(draft)
            os.replace(draft, output)
        finally:
            draft.unlink(missing_ok=True)
    return tally


async def _header(connection: AsyncConnection, settings: Settings, name: str) -> archive.Header:
    tenant_id = await repository.tenant_id_named(connection, name)
    if tenant_id is None:
        raise UnknownTenant(f"no tenant named {name!r}")
    return archive.Header(
        revision=migrate.HEAD,
        tenant_id=tenant_id,
        tenant=name,
        exported_at=datetime.now(UTC),
        secret_check=secret_box(settings).encrypt(archive.SECRET_CHECK_TEXT),
    )


def _create_private(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


async def _write_table(
    connection: AsyncConnection,
    handle: IO[str],
    table: Table,
    tenant_id: uuid.UUID,
    tally: archive.Tally,
) -> None:
    tally.rows[table.name] = 0
    rows = repository.rows_of_tenant(connection, table, tenant_id, batch_rows(table))
    async for partition in rows:
        for row in partition:
            encoded = archive.encode_row(table, row._mapping)
            handle.write(archive.dumps({"table": table.name, "row": encoded}))
        tally.rows[table.name] += len(partition)


async def _write_blobs(
    connection: AsyncConnection,
    handle: IO[str],
    settings: Settings,
    tenant_id: uuid.UUID,
    tally: archive.Tally,
    report: Progress,
) -> None:
    """The contents of the tenant's attachments, each once, in parts."""
    store = LocalBlobStore(settings.attachments_dir)
    async for digest in repository.attachment_digests(connection, tenant_id):
        path = store.path(tenant_id, digest)
        if not path.exists():
            report(f"warning: attachment content {digest} is missing from {path.parent}")
            continue
        _write_blob(handle, digest, path)
        tally.blobs += 1
    report(f"attachment contents: {tally.blobs}")


def _write_blob(handle: IO[str], digest: str, path: Path) -> None:
    with path.open("rb") as content:
        part = 0
        chunk = content.read(archive.BLOB_PART_BYTES)
        while True:
            following = content.read(archive.BLOB_PART_BYTES)
            line = {
                "blob": digest,
                "part": part,
                "data": base64.b64encode(chunk).decode("ascii"),
                "last": not following,
            }
            handle.write(archive.dumps(line))
            if not following:
                return
            chunk, part = following, part + 1


def _sync_to_disk(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

"""`servicedesk import --input FILE [--tenant NEW]`: an export file into this installation.

The file is read line by line and its rows inserted in batches inside one transaction:
an import that fails for any reason (a damaged or cut-short file, a clash) leaves the
database as it was. Ids are kept, so API clients' references (ticket ids, webhook ids,
key ids) stay valid; the integer ids the database numbers itself (event sequence, job
ids) are handed out anew, in the file's order. Every row must belong to the file's own
tenant: a file cannot write into another tenant.
"""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from servicedesk.backup import archive, repository
from servicedesk.backup.tables import owning_parent, references, tenant_table
from servicedesk.config import Settings
from servicedesk.crypto import SecretDecryptionError, secret_box
from servicedesk.db import migrate
from servicedesk.db.streaming import (
    batch_rows,
    numbered_by_database,
    refresh_statistics,
    streaming_engine,
)
from servicedesk.storage.blobs import LocalBlobStore

Progress = Callable[[str], None]


class ImportRefused(Exception):
    """This installation cannot take the file as it is: nothing was written."""


async def import_tenant(
    settings: Settings, source: Path, rename: str | None = None, progress: Progress | None = None
) -> archive.Tally:
    """Read the export at `source` into `settings`' database, under `rename` if given;
    returns what was imported."""
    report = progress or (lambda _message: None)
    with archive.open_for_reading(source) as handle:
        lines = archive.read_lines(handle)
        header = _header(lines)
        _refuse_other_revision(header)
        _refuse_unreadable_secrets(settings, header)
        name = rename or header.tenant
        async with streaming_engine(settings) as engine:
            async with engine.begin() as connection:
                await _refuse_clashes(connection, header, name)
                loader = _Loader(connection, header.tenant_id, name, report)
                store = LocalBlobStore(settings.attachments_dir)
                try:
                    tally = await _load(lines, loader, store, header.tenant_id)
                except DBAPIError as refused:
                    # A clash with existing rows, or a value the database cannot hold.
                    raise ImportRefused(f"the database refused a row ({refused.orig})") from None
            await refresh_statistics(engine, [_table(table) for table in tally.rows])
    return tally


def _header(lines: Iterator[dict[str, Any]]) -> archive.Header:
    first = next(lines, None)
    if first is None:
        raise archive.ArchiveError("the file is empty")
    return archive.Header.from_line(first)


def _refuse_other_revision(header: archive.Header) -> None:
    if header.revision != migrate.HEAD:
        raise ImportRefused(
            f"the file was exported at schema revision {header.revision} and this version "
            f"is at {migrate.HEAD}: import it with the version that exported it"
        )


def _refuse_unreadable_secrets(settings: Settings, header: archive.Header) -> None:
    try:
        readable = secret_box(settings).decrypt(header.secret_check) == archive.SECRET_CHECK_TEXT
    except SecretDecryptionError:
        readable = False
    if not readable:
        raise ImportRefused(
            "the file's secrets were encrypted with another SERVICEDESK_SECRET_KEY: set the "
            "exporting installation's key (or add it to the comma-separated list) and "
            "import again"
        )


async def _refuse_clashes(connection: AsyncConnection, header: archive.Header, name: str) -> None:
    if await repository.tenant_id_named(connection, name) is not None:
        raise ImportRefused(f"a tenant named {name!r} exists here: import with --tenant NEW")
    holder = await repository.tenant_name_of(connection, header.tenant_id)
    if holder is not None:
        raise ImportRefused(
            f"tenant {holder!r} here has the file's tenant id: it was exported from this "
            "installation or imported before. An import keeps every id, so it goes into "
            "another installation"
        )


async def _load(
    lines: Iterator[dict[str, Any]],
    loader: _Loader,
    store: LocalBlobStore,
    tenant_id: uuid.UUID,
) -> archive.Tally:
    stated: archive.Tally | None = None
    blob = _BlobAssembly()
    for line in lines:
        if stated is not None:
            raise archive.ArchiveError("the file goes on after its last line")
        if "table" in line:
            await loader.add(line)
        elif "blob" in line:
            blob.add(line)
            if line.get("last") is True:
                await blob.store(store, tenant_id)
                loader.tally.blobs += 1
        elif "end" in line:
            stated = archive.Tally.from_line(line)
        else:
            raise archive.ArchiveError(f"a line of unknown kind: {sorted(line)[:3]}")
    await loader.flush()
    loader.finish_table()
    if stated is None or blob.pending:
        raise archive.ArchiveError("the file ends before its last line: the export is cut short")
    if not stated.same_as(loader.tally):
        raise archive.ArchiveError("the file holds other rows than its last line counts")
    return loader.tally


@dataclass(slots=True)
class _Loader:
    """Rows of one table gathered into batches and inserted, each checked to belong to
    the file's tenant."""

    connection: AsyncConnection
    tenant_id: uuid.UUID
    tenant_name: str
    report: Progress
    tally: archive.Tally = field(default_factory=archive.Tally)
    table: Table | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    # Of the current table, worked out once when its rows begin.
    batch: int = 0
    numbered: tuple[str, ...] = ()

    async def add(self, line: dict[str, Any]) -> None:
        table = _table(line["table"])
        if table is not self.table:
            await self.flush()
            self.finish_table()
            self.table = table
            self.batch = batch_rows(table)
            self.numbered = tuple(
                column.name for column in table.primary_key.columns if numbered_by_database(column)
            )
            self.tally.rows.setdefault(table.name, 0)
        if not isinstance(line.get("row"), dict):
            raise archive.ArchiveError(f"a {table.name} line has no row")
        self.rows.append(self._row(table, line["row"]))
        self.tally.count_row(table.name)
        if len(self.rows) >= self.batch:
            await self.flush()

    def _row(self, table: Table, values: dict[str, Any]) -> dict[str, Any]:
        row = archive.decode_row(table, values)
        for name in self.numbered:
            row.pop(name, None)
        owner = row.get("id") if table.name == "tenants" else row.get("tenant_id", self.tenant_id)
        if owner != self.tenant_id:
            raise archive.ArchiveError(f"a {table.name} row belongs to another tenant")
        if table.name == "tenants":
            row["name"] = self.tenant_name
        return row

    async def flush(self) -> None:
        if self.table is None or not self.rows:
            return
        if "tenant_id" not in self.table.c and self.table.name != "tenants":
            await self._refuse_foreign_parents(self.table, self.rows)
        await self._refuse_references_into_other_tenants(self.table, self.rows)
        await repository.insert_rows(self.connection, self.table, self.rows)
        self.rows = []

    async def _refuse_foreign_parents(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Rows without a tenant column (group members, delivery attempts) must refer to
        parents of this tenant."""
        column, parent = owning_parent(table)
        wanted = {row[column.name] for row in rows}
        found = await repository.count_owned(self.connection, parent, wanted, self.tenant_id)
        if found != len(wanted):
            raise archive.ArchiveError(f"a {table.name} row refers to another tenant's row")

    async def _refuse_references_into_other_tenants(
        self, table: Table, rows: list[dict[str, Any]]
    ) -> None:
        """No row may point at another tenant's row: a ticket assigned to another
        tenant's user, a note on another tenant's ticket (a tampered file did). A
        reference to a row that exists nowhere is left to the database's own keys."""
        for column, parent in references(table):
            wanted = {row[column.name] for row in rows if row.get(column.name) is not None}
            if not wanted:
                continue
            foreign = await repository.count_foreign(
                self.connection, parent, wanted, self.tenant_id
            )
            if foreign:
                raise archive.ArchiveError(
                    f"a {table.name} row's {column.name} refers to another tenant's row"
                )

    def finish_table(self) -> None:
        if self.table is not None:
            self.report(f"{self.table.name}: {self.tally.rows[self.table.name]} rows")


@dataclass(slots=True)
class _BlobAssembly:
    """One attachment's content, put together from its parts in a temporary file."""

    digest: str | None = None
    parts: int = 0
    spool: BinaryIO | None = None
    hasher: Any = None

    @property
    def pending(self) -> bool:
        return self.digest is not None

    def add(self, line: dict[str, Any]) -> None:
        digest, part = line.get("blob"), line.get("part")
        if self.digest is None:
            self.digest, self.parts = digest, 0
            # Closed by store(), after the content's last part.
            self.spool = tempfile.TemporaryFile()  # noqa: SIM115
            self.hasher = hashlib.sha256()
        if digest != self.digest or part != self.parts or self.spool is None:
            raise archive.ArchiveError(f"attachment content {digest} is out of order")
        data = archive.decode_blob_part(line)
        self.spool.write(data)
        self.hasher.update(data)
        self.parts += 1

    async def store(self, store: LocalBlobStore, tenant_id: uuid.UUID) -> None:
        if self.spool is None or self.hasher.hexdigest() != self.digest:
            raise archive.ArchiveError(f"attachment content {self.digest} is damaged")
        with self.spool:
            self.spool.seek(0)
            await store.put(tenant_id, self.spool, limit=2**62)
        self.digest, self.spool, self.hasher = None, None, None


def _table(name: object) -> Table:
    table = tenant_table(name)
    if table is None:
        raise archive.ArchiveError(
            f"the file has rows of a table this version does not know: {name}"
        )
    return table

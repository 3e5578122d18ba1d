"""The export file: its lines, and how a row's values become JSON and come back.

A file is JSON Lines, optionally gzip-compressed (a name ending in `.gz`):

    {"servicedesk_export": 1, "revision": ..., "tenant": ..., "secret_check": ...}
    {"table": "tickets", "row": {...}}                 one per row, parents first
    {"blob": "<sha256>", "part": 0, "data": "<base64>", "last": false}   attachments
    {"end": {"rows": {"tickets": 1000000, ...}, "blobs": 3}}

The header says which schema revision the rows follow and carries a token encrypted with
the exporting installation's secret key, so an import can tell before writing anything
whether its own key reads the file's encrypted secrets. The last line counts what came
before it: a file cut short is refused, never half imported.
"""

from __future__ import annotations

import base64
import gzip
import io
import itertools
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Column, Table
from sqlalchemy.types import TypeDecorator

FORMAT_VERSION = 1
# What `secret_check` decrypts to under the exporting installation's key.
SECRET_CHECK_TEXT = "servicedesk export"  # noqa: S105 (a known text, not a secret)
# Attachment contents travel in pieces this size (before base64): memory holds one.
BLOB_PART_BYTES = 768 * 1024
GZIP_MAGIC = b"\x1f\x8b"


class ArchiveError(Exception):
    """The file is not an export this version can read, or it is incomplete."""


@dataclass(slots=True)
class Header:
    revision: str
    tenant_id: uuid.UUID
    tenant: str
    exported_at: datetime
    secret_check: str

    def line(self) -> dict[str, Any]:
        return {
            "servicedesk_export": FORMAT_VERSION,
            "revision": self.revision,
            "tenant_id": str(self.tenant_id),
            "tenant": self.tenant,
            "exported_at": self.exported_at.isoformat(),
            "secret_check": self.secret_check,
        }

    @classmethod
    def from_line(cls, line: Mapping[str, Any]) -> Header:
        version = line.get("servicedesk_export")
        if version is None:
            raise ArchiveError("not a servicedesk export: its first line has no header")
        if version != FORMAT_VERSION:
            raise ArchiveError(f"export format {version} is not known to this version")
        try:
            return cls(
                revision=str(line["revision"]),
                tenant_id=uuid.UUID(line["tenant_id"]),
                tenant=str(line["tenant"]),
                exported_at=datetime.fromisoformat(line["exported_at"]),
                secret_check=str(line["secret_check"]),
            )
        except (KeyError, ValueError, TypeError) as broken:
            raise ArchiveError(f"the export's header is damaged ({broken})") from None


@dataclass(slots=True)
class Tally:
    """What a file holds, as its last line states it and as a reader counts it."""

    rows: dict[str, int] = field(default_factory=dict)
    blobs: int = 0

    def count_row(self, table: str) -> None:
        self.rows[table] = self.rows.get(table, 0) + 1

    def line(self) -> dict[str, Any]:
        return {"end": {"rows": self.rows, "blobs": self.blobs}}

    def same_as(self, other: Tally) -> bool:
        def held(rows: dict[str, int]) -> dict[str, int]:
            return {table: count for table, count in rows.items() if count}

        return held(self.rows) == held(other.rows) and self.blobs == other.blobs

    @classmethod
    def from_line(cls, line: Mapping[str, Any]) -> Tally:
        end = line["end"]
        try:
            return cls(rows={str(k): int(v) for k, v in end["rows"].items()}, blobs=end["blobs"])
        except (KeyError, ValueError, TypeError, AttributeError) as broken:
            raise ArchiveError(f"the export's last line is damaged ({broken})") from None


def open_for_writing(path: Path, *, compressed: bool) -> IO[str]:
    if compressed:
        return io.TextIOWrapper(gzip.open(path, "wb", compresslevel=6), encoding="utf-8")
    return path.open("w", encoding="utf-8")


def open_for_reading(path: Path) -> IO[str]:
    """The file's text, gzip or not, whatever its name says."""
    with path.open("rb") as probe:
        compressed = probe.read(2) == GZIP_MAGIC
    if compressed:
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return path.open(encoding="utf-8")


def dumps(line: Mapping[str, Any]) -> str:
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"


# The longest line an export writes is a stored triage model (a few to tens of MB as
# base64); a longer one is not an export's, and is refused before it is all in memory
# (a 1 MiB gzip that expanded to one 1 GiB line peaked at 3 GB before).
MAX_LINE_CHARS = 128 * 1024 * 1024


def read_lines(handle: IO[str], max_chars: int = MAX_LINE_CHARS) -> Iterator[dict[str, Any]]:
    number = 0
    try:
        for number in itertools.count(1):
            text = handle.readline(max_chars + 2)
            if not text:
                return
            if len(text.rstrip("\r\n")) > max_chars:
                raise ArchiveError(f"line {number} is longer than {max_chars} characters")
            yield _parse(number, text)
    except (OSError, EOFError, UnicodeDecodeError) as unreadable:
        # A damaged or cut-short gzip stream, or bytes that are not UTF-8.
        raise ArchiveError(f"the file cannot be read past line {number} ({unreadable})") from None


def _parse(number: int, text: str) -> dict[str, Any]:
    try:
        line = json.loads(text)
    except json.JSONDecodeError as broken:
        raise ArchiveError(f"line {number} is not JSON ({broken.msg})") from None
    except RecursionError:
        raise ArchiveError(f"line {number} nests deeper than any export") from None
    if not isinstance(line, dict):
        raise ArchiveError(f"line {number} is not a JSON object")
    return line


def encode_row(table: Table, row: Mapping[Any, Any]) -> dict[str, Any]:
    """A row's values as JSON: UUIDs and datetimes as text, bytes as base64; JSON
    columns as they are."""
    return {column.name: _encode(column, row[column.name]) for column in table.columns}


def decode_row(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of `encode_row`, for the columns the table has."""
    unknown = set(values) - set(table.columns.keys())
    if unknown:
        raise ArchiveError(f"{table.name} has no column {sorted(unknown)[0]!r}")
    try:
        return {name: _decode(table.columns[name], value) for name, value in values.items()}
    except (ValueError, TypeError) as broken:
        raise ArchiveError(f"a {table.name} row has a malformed value ({broken})") from None


def _encode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = _python_type(column)
    if kind is uuid.UUID:
        return str(value)
    if kind is datetime:
        return value.isoformat()
    if kind is bytes:
        return base64.b64encode(value).decode("ascii")
    return value


def _decode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = _python_type(column)
    if kind is uuid.UUID:
        return uuid.UUID(value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is bytes:
        return base64.b64decode(value, validate=True)
    return value


def _python_type(column: Column[Any]) -> type | None:
    """The Python type of the column's values where JSON has none of its own."""
    declared = column.type
    if isinstance(declared, TypeDecorator):
        declared = declared.impl_instance
    try:
        kind = declared.python_type
    except NotImplementedError:
        return None
    return kind if kind in (uuid.UUID, datetime, bytes) else None


def decode_blob_part(line: Mapping[str, Any]) -> bytes:
    try:
        return base64.b64decode(line["data"], validate=True)
    except (KeyError, ValueError, TypeError) as broken:
        raise ArchiveError(f"attachment content {line.get('blob')} is damaged ({broken})") from None

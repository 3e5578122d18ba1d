"""`servicedesk export` / `servicedesk import`: one tenant leaves an installation as a
JSON Lines file and arrives whole in another, on the other kind of database, where the
same API key sees the same tickets, notes, files, history and settings; other tenants'
rows never travel; a file cut short, tampered with or sealed with another secret key is
refused with nothing written."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from servicedesk.auth import service as auth
from servicedesk.backup import archive
from servicedesk.backup.repository import owned_by
from servicedesk.backup.tables import LEFT_OUT, references, tenant_tables
from servicedesk.cli import app as cli
from servicedesk.config import Settings
from servicedesk.crypto import KEY_FILE_NAME, secret_box
from servicedesk.db import copy
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.registry import tables
from servicedesk.tickets.models import Ticket
from servicedesk.users import service as users
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.filled import client_on, fill, observed

runner = CliRunner()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_allow_private_urls": True})


def _environment(settings: Settings) -> dict[str, str]:
    environment = {"SERVICEDESK_DATA_DIR": str(settings.data_dir)}
    if not settings.is_sqlite:
        environment["SERVICEDESK_DATABASE_URL"] = settings.database_url or ""
    if settings.secret_key is not None:
        environment["SERVICEDESK_SECRET_KEY"] = settings.secret_key.get_secret_value()
    return environment


async def _run(settings: Settings, *arguments: str) -> Any:
    return await asyncio.to_thread(runner.invoke, cli, list(arguments), env=_environment(settings))


def _another_installation(settings: Settings, tmp_path: Path, database_url: str | None) -> Settings:
    """Its own data directory and database, with the source's secret key (as
    docs/operations.md tells operators to set)."""
    secret_box(settings)  # the source's key file, made as the service makes it
    key = (settings.data_dir / KEY_FILE_NAME).read_text().strip()
    data_dir = tmp_path / "elsewhere"
    data_dir.mkdir()
    return settings.model_copy(
        update={"data_dir": data_dir, "secret_key": SecretStr(key), "database_url": database_url}
    )


@pytest.fixture
def elsewhere(settings: Settings, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Another installation on the other kind of database: a new PostgreSQL database
    when the source is SQLite."""
    url = request.getfixturevalue("empty_postgres") if settings.is_sqlite else None
    return _another_installation(settings, tmp_path, url)


@pytest.fixture
def elsewhere_on_sqlite(settings: Settings, tmp_path: Path) -> Settings:
    """Another installation on the embedded SQLite. The refusals are decided before or
    apart from the database; making a PostgreSQL database for each of them cost a forced
    checkpoint per drop, which stalled a loaded CI machine's server past 10 s."""
    return _another_installation(settings, tmp_path, None)


async def _filled_tenant(
    client: httpx.AsyncClient, headers: dict[str, str], receiver: WebhookReceiver, make_key: Any
) -> dict[str, Any]:
    """acme filled through the API, beside another tenant with tickets of its own."""
    filled = await fill(client, headers, receiver)
    other = {"X-API-Key": await make_key(tenant="globex")}
    created = await client.post(
        "/api/v1/tickets",
        json={"subject": "Globex's own", "description": "Not acme's."},
        headers=other,
    )
    assert created.status_code == 201, created.text
    return filled


async def _export(settings: Settings, path: Path) -> Path:
    exported = await _run(settings, "export", "--tenant", "acme", "--output", str(path))
    assert exported.exit_code == 0, exported.output
    return path


@pytest.fixture
async def acme_export(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    settings: Settings,
    make_key: Any,
    receiver: WebhookReceiver,
    tmp_path: Path,
) -> Path:
    """acme filled and exported, uncompressed."""
    await _filled_tenant(client, headers, receiver, make_key)
    return await _export(settings, tmp_path / "acme.jsonl")


async def _counts_after_upgrade(settings: Settings) -> dict[str, int]:
    assert (await _run(settings, "db", "upgrade")).exit_code == 0
    return await copy.row_counts(settings, tables())


async def test_a_tenant_moves_to_another_installation_and_reads_the_same_there(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    settings: Settings,
    elsewhere: Settings,
    make_key: Any,
    make_user: Any,
    receiver: WebhookReceiver,
    tmp_path: Path,
) -> None:
    filled = await _filled_tenant(client, headers, receiver, make_key)
    await make_user(email="agent@example.com")
    before = await observed(client, headers, filled)

    export_file = await _export(settings, tmp_path / "acme.jsonl.gz")
    assert export_file.stat().st_mode & 0o077 == 0  # hashes, ciphertexts and PII: owner only
    imported = await _run(elsewhere, "import", "--input", str(export_file))

    assert imported.exit_code == 0, imported.output
    assert "tickets: 3 rows" in imported.output
    async with client_on(elsewhere) as moved:
        assert await observed(moved, headers, filled) == before
        # Only acme came: globex's ticket and key did not.
        listed = (await moved.get("/api/v1/tickets", headers=headers)).json()
        assert {t["subject"] for t in listed["tickets"]} == {
            t["subject"] for t in filled["tickets"]
        }
        # The database numbers new rows past the imported ones.
        fresh = await moved.post(
            "/api/v1/tickets",
            json={"subject": "Laptop fan loud", "description": "It whirrs."},
            headers=headers,
        )
        assert fresh.status_code == 201, fresh.text


async def test_the_file_holds_only_the_tenants_rows_and_secrets_as_stored(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    settings: Settings,
    make_key: Any,
    receiver: WebhookReceiver,
    tmp_path: Path,
    api_key: str,
) -> None:
    filled = await _filled_tenant(client, headers, receiver, make_key)

    text = (await _export(settings, tmp_path / "acme.jsonl")).read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0]["tenant"] == "acme"
    assert "end" in lines[-1]
    assert "Globex" not in text
    assert api_key not in text  # the key travels as its hash
    tenant_ids = {line["row"]["tenant_id"] for line in lines if "tenant_id" in line.get("row", {})}
    assert tenant_ids == {lines[0]["tenant_id"]}
    hooks = [line["row"] for line in lines if line.get("table") == "webhooks"]
    assert [hook["id"] for hook in hooks] == [filled["webhook"]["id"]]
    assert filled["webhook"]["secret"] not in text  # encrypted, as stored


async def test_a_tenant_name_taken_here_is_refused_unless_renamed(
    acme_export: Path, elsewhere_on_sqlite: Settings
) -> None:
    assert (await _run(elsewhere_on_sqlite, "tenants", "create", "acme")).exit_code == 0

    refused = await _run(elsewhere_on_sqlite, "import", "--input", str(acme_export))
    renamed = await _run(
        elsewhere_on_sqlite, "import", "--input", str(acme_export), "--tenant", "acme-2"
    )

    assert refused.exit_code == 1
    assert "--tenant" in refused.output
    assert renamed.exit_code == 0, renamed.output
    listed = await _run(elsewhere_on_sqlite, "tenants", "list")
    assert "acme-2" in listed.output


async def test_importing_back_into_the_same_installation_is_refused(
    acme_export: Path, settings: Settings
) -> None:
    counts = await copy.row_counts(settings, tables())

    refused = await _run(settings, "import", "--input", str(acme_export), "--tenant", "copy")

    assert refused.exit_code == 1
    assert "keeps every id" in refused.output
    assert await copy.row_counts(settings, tables()) == counts


def _rewrite(source: Path, target: Path, change: Any) -> None:
    lines = [json.loads(line) for line in source.read_text().splitlines()]
    target.write_text("".join(json.dumps(line) + "\n" for line in change(lines)))


def _with_foreign_ticket(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ticket = next(line for line in lines if line.get("table") == "tickets")
    stranger = json.loads(json.dumps(ticket))
    stranger["row"]["tenant_id"] = "00000000-0000-4000-8000-000000000001"
    stranger["row"]["id"] = "00000000-0000-4000-8000-000000000002"
    return [*lines[:-1], stranger, lines[-1]]


def _with_other_attachment_bytes(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    part = next(line for line in lines if "blob" in line)
    part["data"] = base64.b64encode(b"not what was attached").decode()
    return lines


@pytest.mark.parametrize(
    ("damage", "told"),
    [
        (lambda lines: lines[:-1], "cut short"),
        (lambda lines: lines[: len(lines) // 2], "cut short"),
        (lambda lines: [*lines[:2], *lines[3:]], "other rows than its last line counts"),
        (_with_foreign_ticket, "another tenant"),
        (lambda lines: lines[1:], "no header"),
        (_with_other_attachment_bytes, "is damaged"),
    ],
    ids=["no-last-line", "half", "a-row-missing", "foreign-row", "no-header", "blob"],
)
async def test_a_damaged_file_is_refused_and_nothing_is_written(
    acme_export: Path, elsewhere_on_sqlite: Settings, tmp_path: Path, damage: Any, told: str
) -> None:
    damaged = tmp_path / "damaged.jsonl"
    _rewrite(acme_export, damaged, damage)
    counts = await _counts_after_upgrade(elsewhere_on_sqlite)

    refused = await _run(elsewhere_on_sqlite, "import", "--input", str(damaged))

    assert refused.exit_code == 1
    assert told in refused.output
    assert "nothing was imported" in refused.output
    assert await copy.row_counts(elsewhere_on_sqlite, tables()) == counts


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # into PostgreSQL
async def test_a_refused_import_leaves_postgres_as_it_was(
    acme_export: Path, settings: Settings, tmp_path: Path, empty_postgres: str
) -> None:
    target = _another_installation(settings, tmp_path, empty_postgres)
    damaged = tmp_path / "damaged.jsonl"
    _rewrite(acme_export, damaged, lambda lines: lines[:-1])  # every row, no last line
    counts = await _counts_after_upgrade(target)

    refused = await _run(target, "import", "--input", str(damaged))

    assert refused.exit_code == 1
    assert "cut short" in refused.output
    assert await copy.row_counts(target, tables()) == counts


async def test_a_gzip_file_cut_short_is_refused(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    settings: Settings,
    elsewhere_on_sqlite: Settings,
    make_key: Any,
    receiver: WebhookReceiver,
    tmp_path: Path,
) -> None:
    await _filled_tenant(client, headers, receiver, make_key)
    whole = (await _export(settings, tmp_path / "acme.jsonl.gz")).read_bytes()
    assert whole[:2] == b"\x1f\x8b"
    cut = tmp_path / "cut.gz"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    counts = await _counts_after_upgrade(elsewhere_on_sqlite)

    refused = await _run(elsewhere_on_sqlite, "import", "--input", str(cut))

    assert refused.exit_code == 1
    assert "cannot be read" in refused.output
    assert await copy.row_counts(elsewhere_on_sqlite, tables()) == counts


async def test_a_file_sealed_with_another_secret_key_is_refused(
    acme_export: Path, elsewhere_on_sqlite: Settings
) -> None:
    other_key = elsewhere_on_sqlite.model_copy(
        update={"secret_key": SecretStr("a different installation's key")}
    )

    refused = await _run(other_key, "import", "--input", str(acme_export))

    assert refused.exit_code == 1
    assert "SERVICEDESK_SECRET_KEY" in refused.output


async def test_an_unknown_tenant_is_refused(settings: Settings, tmp_path: Path) -> None:
    result = await _run(settings, "export", "--tenant", "nobody", "--output", str(tmp_path / "x"))

    assert result.exit_code == 1
    assert "no tenant named 'nobody'" in result.output
    assert not (tmp_path / "x").exists()


def test_every_table_is_exported_or_left_out_on_purpose() -> None:
    exported = {table.name for table in tenant_tables()}
    assert exported | LEFT_OUT == {table.name for table in tables()}
    for table in tenant_tables():
        owned_by(table, uuid.uuid4())  # each has a way to its tenant


async def _a_neighbour(target: Settings) -> dict[str, str]:
    """A tenant of the importing installation with a user and a ticket: what a tampered
    file points at."""
    await _counts_after_upgrade(target)
    database = Database(target)
    try:

        def write(session: Session) -> dict[str, str]:
            neighbour = auth.get_or_create_tenant(session, "neighbour")
            user = users.create_user(
                session, neighbour.id, email="n@n.example", role="agent", name="", password="x" * 12
            )
            ticket = Ticket(
                id=uuid.uuid4(),
                tenant_id=neighbour.id,
                subject="Neighbour's",
                description="d",
                status="open",
                metadata_={},
                created_at=utcnow(),
                updated_at=utcnow(),
            )
            session.add(ticket)
            return {"user": str(user.id), "ticket": str(ticket.id)}

        return await database.write(write)
    finally:
        await database.dispose()


def _pointing(table: str, column: str, at: str) -> Any:
    def change(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        line = next((line for line in lines if line.get("table") == table), None)
        assert line is not None, f"the filled tenant has no {table} row"
        line["row"][column] = at
        return lines

    return change


@pytest.mark.parametrize(
    ("table", "column", "target"),
    [
        ("tickets", "assignee_id", "user"),
        ("ticket_notes", "ticket_id", "ticket"),
        ("events", "ticket_id", "ticket"),
    ],
)
async def test_a_row_pointing_into_another_tenant_is_refused_and_nothing_is_written(
    acme_export: Path,
    elsewhere_on_sqlite: Settings,
    tmp_path: Path,
    table: str,
    column: str,
    target: str,
) -> None:
    neighbour = await _a_neighbour(elsewhere_on_sqlite)
    tampered = tmp_path / "tampered.jsonl"
    _rewrite(acme_export, tampered, _pointing(table, column, neighbour[target]))
    counts = await copy.row_counts(elsewhere_on_sqlite, tables())

    refused = await _run(elsewhere_on_sqlite, "import", "--input", str(tampered))

    assert refused.exit_code == 1, refused.output
    assert f"{table} row's {column} refers to another tenant's row" in refused.output
    assert await copy.row_counts(elsewhere_on_sqlite, tables()) == counts


def test_every_reference_to_a_tenants_row_is_checked_on_import() -> None:
    """What the import refuses to point into another tenant, table by table: every
    declared foreign key to a tenant's table and the ids held without one."""
    checked = {
        table.name: sorted(column.name for column, _ in references(table))
        for table in tenant_tables()
    }
    assert checked["tickets"] == ["assignee_id", "group_id", "sla_policy_id"]
    assert checked["ticket_notes"] == ["ticket_id"]
    assert checked["group_members"] == ["group_id", "user_id"]
    assert checked["email_messages"] == ["note_id", "ticket_id"]
    assert checked["ticket_attachments"] == ["note_id", "ticket_id"]
    assert checked["webhook_deliveries"] == ["event_id", "webhook_id"]


class _Counted(io.StringIO):
    """A text stream that remembers how much was read of it."""

    read_chars = 0

    def readline(self, size: int | None = -1) -> str:
        line = super().readline(size)
        self.read_chars += len(line)
        return line


def test_a_line_longer_than_any_export_writes_is_refused_before_it_is_read_whole() -> None:
    hostile = _Counted('{"table": "tickets", "row": {"subject": "' + "a" * 5_000 + '"}}\n')

    with pytest.raises(archive.ArchiveError, match="line 1 is longer than 1000 characters"):
        list(archive.read_lines(hostile, max_chars=1_000))
    assert hostile.read_chars <= 1_002


def test_a_line_nested_past_the_parser_is_refused_not_a_traceback() -> None:
    hostile = io.StringIO("[" * 100_000 + "]" * 100_000 + "\n")

    with pytest.raises(archive.ArchiveError, match="line 1 nests deeper than any export"):
        list(archive.read_lines(hostile))

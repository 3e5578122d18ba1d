"""The `servicedesk` command line: tenants and keys, against a real database."""

from __future__ import annotations

import asyncio
import json
import re
import uuid

import httpx
import pytest
from typer.testing import CliRunner

from servicedesk.auth.service import Principal, authenticate, require_tenant
from servicedesk.cli import app
from servicedesk.config import Settings
from servicedesk.custom_fields.schemas import CustomFieldCreate
from servicedesk.custom_fields.service import create_definition
from servicedesk.db.database import Database
from servicedesk.users.service import signed_in_user

runner = CliRunner()
KEY_FORMAT = re.compile(r"^itsm_sk_live_[A-Za-z0-9_-]{43}$")


@pytest.fixture(autouse=True)
def cli_environment(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICEDESK_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        monkeypatch.setenv("SERVICEDESK_DATABASE_URL", settings.database_url)


def principal_of(settings: Settings, plaintext: str) -> Principal | None:
    async def look_up() -> Principal | None:
        database = Database(settings)
        try:
            return await database.read(lambda session: authenticate(session, plaintext))
        finally:
            await database.dispose()

    return asyncio.run(look_up())


def test_tenants_create_then_duplicate_fails_unless_if_not_exists(database: Database) -> None:
    first = runner.invoke(app, ["tenants", "create", "initech"])
    duplicate = runner.invoke(app, ["tenants", "create", "initech"])
    tolerated = runner.invoke(app, ["tenants", "create", "initech", "--if-not-exists"])

    assert first.exit_code == 0, first.output
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output
    assert tolerated.exit_code == 0
    assert tolerated.stdout.split()[-1] == first.stdout.split()[-1]
    listed = runner.invoke(app, ["tenants", "list"])
    assert "initech" in listed.stdout


def test_keys_create_prints_the_key_alone_on_the_last_line(
    settings: Settings, database: Database
) -> None:
    runner.invoke(app, ["tenants", "create", "initech"])

    result = runner.invoke(
        app,
        ["keys", "create", "--tenant", "initech", "--scope", "tickets:read", "--scope", "kb:read"],
    )

    assert result.exit_code == 0, result.output
    plaintext = result.stdout.rstrip("\n").splitlines()[-1]
    assert KEY_FORMAT.match(plaintext)
    principal = principal_of(settings, plaintext)
    assert principal is not None
    assert principal.scopes == {"tickets:read", "kb:read"}


def test_keys_create_rejects_unknown_scope_and_tenant(database: Database) -> None:
    runner.invoke(app, ["tenants", "create", "initech"])

    bad_scope = runner.invoke(app, ["keys", "create", "--tenant", "initech", "--scope", "root"])
    bad_tenant = runner.invoke(
        app, ["keys", "create", "--tenant", "nobody", "--scope", "tickets:read"]
    )

    assert bad_scope.exit_code != 0
    assert bad_tenant.exit_code == 1
    assert "no tenant" in bad_tenant.output


def test_keys_list_shows_ids_and_prefixes_never_secrets(database: Database) -> None:
    runner.invoke(app, ["tenants", "create", "initech"])
    created = runner.invoke(
        app, ["keys", "create", "--tenant", "initech", "--scope", "tickets:read"]
    )
    plaintext = created.stdout.splitlines()[-1]
    key_id = created.stdout.split()[1]

    listed = runner.invoke(app, ["keys", "list", "--tenant", "initech"])

    assert listed.exit_code == 0
    assert key_id in listed.stdout
    assert "active" in listed.stdout
    assert plaintext not in listed.stdout


def test_keys_revoke_stops_the_key(settings: Settings, database: Database) -> None:
    runner.invoke(app, ["tenants", "create", "initech"])
    created = runner.invoke(
        app, ["keys", "create", "--tenant", "initech", "--scope", "tickets:read"]
    )
    plaintext = created.stdout.splitlines()[-1]
    key_id = created.stdout.split()[1]

    revoked = runner.invoke(app, ["keys", "revoke", key_id])
    again = runner.invoke(app, ["keys", "revoke", key_id])

    assert revoked.exit_code == 0
    assert again.exit_code == 1
    assert principal_of(settings, plaintext) is None
    assert "revoked" in runner.invoke(app, ["keys", "list", "--tenant", "initech"]).stdout


def test_provider_set_then_show_never_prints_the_credential(
    settings: Settings, database: Database
) -> None:
    runner.invoke(app, ["tenants", "create", "acme"])
    result = runner.invoke(
        app,
        ["provider", "set", "--tenant", "acme", "--kind", "freshservice", "--domain", "acme"],
        env={"SERVICEDESK_PROVIDER_API_KEY": "fs-secret-credential"},
    )
    assert result.exit_code == 0, result.output
    assert "fs-secret-credential" not in result.output
    assert '"inbound_secret": "' in result.output
    shown = runner.invoke(app, ["provider", "show", "--tenant", "acme"])
    assert shown.exit_code == 0
    assert '"kind": "freshservice"' in shown.output
    assert '"inbound_secret": null' in shown.output
    assert "fs-secret-credential" not in shown.output


def test_provider_set_refuses_bad_settings(database: Database) -> None:
    runner.invoke(app, ["tenants", "create", "acme"])
    args = ["provider", "set", "--tenant", "acme", "--domain", "acme"]
    env = {"SERVICEDESK_PROVIDER_API_KEY": "k"}
    zendesk = runner.invoke(app, [*args, "--kind", "zendesk"], env=env)
    assert zendesk.exit_code == 1
    assert "agent_email is required for zendesk" in zendesk.output
    unknown = runner.invoke(app, [*args, "--kind", "servicenow"], env=env)
    assert unknown.exit_code == 1
    missing = runner.invoke(app, ["provider", "show", "--tenant", "acme"])
    assert missing.exit_code == 1
    assert "has no provider" in missing.output


def test_provider_set_maps_custom_fields(settings: Settings, database: Database) -> None:
    runner.invoke(app, ["tenants", "create", "acme"])
    args = ["provider", "set", "--tenant", "acme", "--kind", "freshservice", "--domain", "acme"]
    env = {"SERVICEDESK_PROVIDER_API_KEY": "k"}
    undefined = runner.invoke(app, [*args, "--custom-field", "department=cf_department"], env=env)
    assert undefined.exit_code == 1
    assert "no custom field named 'department'" in undefined.output
    malformed = runner.invoke(app, [*args, "--custom-field", "department"], env=env)
    assert malformed.exit_code == 1
    assert "OURS=THEIRS" in malformed.output

    async def define() -> None:
        own = Database(settings)
        try:
            tenant = await own.read(lambda session: require_tenant(session, "acme"))
            definition = CustomFieldCreate(name="department", label="Department", type="text")
            await create_definition(own, tenant.id, definition)
        finally:
            await own.dispose()

    asyncio.run(define())
    mapped = runner.invoke(app, [*args, "--custom-field", "department=cf_department"], env=env)
    assert mapped.exit_code == 0, mapped.output
    assert '"custom_field_map": {\n    "department": "cf_department"\n  }' in mapped.output


def _signed_in(settings: Settings, email: str, password: str) -> bool:
    async def check() -> bool:
        database = Database(settings)
        try:
            user = await database.write(lambda session: signed_in_user(session, email, password))
            return user is not None
        finally:
            await database.dispose()

    return asyncio.run(check())


def test_users_create_takes_the_password_from_the_environment_and_prints_the_id(
    settings: Settings, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner.invoke(app, ["tenants", "create", "initech"])
    monkeypatch.setenv("SERVICEDESK_USER_PASSWORD", "correct horse battery")

    result = runner.invoke(
        app,
        [
            "users",
            "create",
            "--tenant",
            "initech",
            "--email",
            "Amy@Initech.example",
            "--role",
            "admin",
            "--name",
            "Amy",
        ],
    )

    assert result.exit_code == 0, result.output
    user_id = result.stdout.strip().splitlines()[-1]
    assert str(uuid.UUID(user_id)) == user_id
    assert "correct horse" not in result.output
    assert _signed_in(settings, "amy@initech.example", "correct horse battery")
    listed = runner.invoke(app, ["users", "list", "--tenant", "initech"])
    assert listed.stdout.split("\t")[:4] == [user_id, "amy@initech.example", "admin", "active"]
    again = runner.invoke(
        app,
        [
            "users",
            "create",
            "--tenant",
            "initech",
            "--email",
            "amy@initech.example",
            "--role",
            "agent",
        ],
    )
    assert again.exit_code == 1
    assert "already has a user" in again.output


def test_users_create_asks_for_the_password_twice_without_echo(
    settings: Settings, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SERVICEDESK_USER_PASSWORD", raising=False)
    runner.invoke(app, ["tenants", "create", "initech"])

    result = runner.invoke(
        app,
        [
            "users",
            "create",
            "--tenant",
            "initech",
            "--email",
            "bo@initech.example",
            "--role",
            "agent",
        ],
        input="s3cret-password\ns3cret-password\n",
    )

    assert result.exit_code == 0, result.output
    assert "s3cret-password" not in result.output
    assert _signed_in(settings, "bo@initech.example", "s3cret-password")


def test_users_refuses_a_weak_password_an_unknown_tenant_and_a_bad_role(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner.invoke(app, ["tenants", "create", "initech"])
    monkeypatch.setenv("SERVICEDESK_USER_PASSWORD", "short")
    base = ["users", "create", "--email", "x@initech.example"]

    weak = runner.invoke(app, [*base, "--tenant", "initech", "--role", "agent"])
    monkeypatch.setenv("SERVICEDESK_USER_PASSWORD", "long enough password")
    unknown = runner.invoke(app, [*base, "--tenant", "nope", "--role", "agent"])
    bad_role = runner.invoke(app, [*base, "--tenant", "initech", "--role", "owner"])

    assert weak.exit_code == 1
    assert "at least 8 characters" in weak.output
    assert unknown.exit_code == 1
    assert "no tenant named" in unknown.output
    assert bad_role.exit_code == 2


def test_users_disable_and_set_password(
    settings: Settings, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner.invoke(app, ["tenants", "create", "initech"])
    monkeypatch.setenv("SERVICEDESK_USER_PASSWORD", "first password")
    runner.invoke(
        app,
        [
            "users",
            "create",
            "--tenant",
            "initech",
            "--email",
            "cy@initech.example",
            "--role",
            "agent",
        ],
    )

    monkeypatch.setenv("SERVICEDESK_USER_PASSWORD", "second password")
    changed = runner.invoke(
        app, ["users", "set-password", "--tenant", "initech", "cy@initech.example"]
    )
    assert changed.exit_code == 0, changed.output
    assert not _signed_in(settings, "cy@initech.example", "first password")
    assert _signed_in(settings, "cy@initech.example", "second password")

    disabled = runner.invoke(app, ["users", "disable", "--tenant", "initech", "cy@initech.example"])
    assert disabled.exit_code == 0, disabled.output
    assert not _signed_in(settings, "cy@initech.example", "second password")
    listed = runner.invoke(app, ["users", "list", "--tenant", "initech"])
    assert "\tdisabled\t" in listed.stdout
    enabled = runner.invoke(app, ["users", "enable", "--tenant", "initech", "cy@initech.example"])
    assert enabled.exit_code == 0
    assert _signed_in(settings, "cy@initech.example", "second password")
    missing = runner.invoke(app, ["users", "disable", "--tenant", "initech", "no@initech.example"])
    assert missing.exit_code == 1
    assert "has no user" in missing.output


def test_keys_create_replace_revokes_the_previous_keys_of_that_name(
    settings: Settings, database: Database
) -> None:
    runner.invoke(app, ["tenants", "create", "initech"])
    base = ["keys", "create", "--tenant", "initech", "--scope", "tickets:read"]
    first = runner.invoke(app, [*base, "--name", "make run", "--replace"])
    other = runner.invoke(app, [*base, "--name", "ci"])
    second = runner.invoke(app, [*base, "--name", "make run", "--replace"])
    nameless = runner.invoke(app, [*base, "--replace"])

    assert second.exit_code == 0, second.output
    first_key, second_key = first.stdout.split()[-1], second.stdout.split()[-1]
    assert principal_of(settings, first_key) is None
    assert principal_of(settings, second_key) is not None
    assert principal_of(settings, other.stdout.split()[-1]) is not None
    assert "revoked key_" in second.stdout
    assert nameless.exit_code == 1
    assert "--replace needs --name" in nameless.output


async def test_openapi_prints_the_document_the_server_serves(
    database: Database, client: httpx.AsyncClient
) -> None:
    printed = runner.invoke(app, ["openapi"])

    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == (await client.get("/openapi.json")).json()


def test_sqlalchemys_driver_names_reach_the_same_databases(
    settings: Settings, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What SQLAlchemy users write (`sqlite+aiosqlite://`, `postgresql+asyncpg://`) is the
    database the plain URL names (aiosqlite died with MissingGreenlet)."""
    if settings.database_url:
        written = settings.database_url.replace("postgresql://", "postgresql+asyncpg://", 1)
    else:
        written = f"sqlite+aiosqlite:///{settings.data_dir / 'servicedesk.db'}"
    monkeypatch.setenv("SERVICEDESK_DATABASE_URL", written)

    created = runner.invoke(app, ["tenants", "create", "initech"])

    assert created.exit_code == 0, created.output
    monkeypatch.delenv("SERVICEDESK_DATABASE_URL")
    if settings.database_url:
        monkeypatch.setenv("SERVICEDESK_DATABASE_URL", settings.database_url)
    assert "initech" in runner.invoke(app, ["tenants", "list"]).stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SERVICEDESK_DATABASE_URL", "mysql://root@localhost/desk"),
        ("SERVICEDESK_DATABASE_URL", "/var/lib/desk.db"),
        ("SERVICEDESK_DB_POOL_SIZE", "0"),
        ("SERVICEDESK_SMTP_URL", "http://mail.example"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_never_a_traceback(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    result = runner.invoke(app, ["tenants", "list"])

    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert result.output.splitlines() == [result.output.strip()]
    assert result.output.startswith(f"error: {variable}: ")
    assert "Traceback" not in result.output

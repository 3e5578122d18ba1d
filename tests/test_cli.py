"""The `servicedesk` command line: tenants and keys, against a real database."""

from __future__ import annotations

import asyncio
import re

import pytest
from typer.testing import CliRunner

from servicedesk.auth.service import Principal, authenticate, require_tenant
from servicedesk.cli import app
from servicedesk.config import Settings
from servicedesk.custom_fields.schemas import CustomFieldCreate
from servicedesk.custom_fields.service import create_definition
from servicedesk.db.database import Database

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

"""`servicedesk tenants` and `servicedesk keys`: tenants and their API keys."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.orm import Session

from servicedesk.auth import repository as auth_repository
from servicedesk.auth import service as auth
from servicedesk.auth.scopes import Scope
from servicedesk.cli.base import (
    fail,
    in_transaction,
    keys_app,
    print_lines,
    tenants_app,
)


@tenants_app.command("create")
def tenants_create(
    name: str,
    if_not_exists: Annotated[
        bool, typer.Option("--if-not-exists", help="Succeed if the tenant exists.")
    ] = False,
) -> None:
    """Create the tenant NAME."""

    def work(session: Session) -> str:
        if if_not_exists:
            tenant = auth.get_or_create_tenant(session, name)
        else:
            tenant = auth.create_tenant(session, name)
        return str(tenant.id)

    try:
        tenant_id = in_transaction(work)
    except auth.TenantExists:
        raise fail(f"tenant {name!r} already exists") from None
    typer.echo(f"tenant {name} {tenant_id}")


@tenants_app.command("list")
def tenants_list() -> None:
    """List the tenants."""

    def work(session: Session) -> list[str]:
        return [f"{t.name}\t{t.id}" for t in auth_repository.list_tenants(session)]

    for line in in_transaction(work):
        typer.echo(line)


@keys_app.command("create")
def keys_create(
    tenant: Annotated[str, typer.Option(help="Tenant name.")],
    scope: Annotated[list[Scope], typer.Option(help="A scope; repeat for several.")],
    name: Annotated[str, typer.Option(help="A label for the key.")] = "",
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="First revoke the tenant's active keys with this --name (what `make run` "
            "does, so that running it again leaves one such key).",
        ),
    ] = False,
) -> None:
    """Create a key; its plaintext is printed alone on the last line, once."""
    if replace and not name:
        raise fail("--replace needs --name: the keys it revokes are the ones of that name")

    def work(session: Session) -> tuple[str, str, list[str]]:
        owner = auth.require_tenant(session, tenant)
        revoked = auth.revoke_keys_named(session, owner, name) if replace else []
        key, plaintext = auth.create_api_key(session, owner, scope, name)
        return key.id, plaintext, revoked

    try:
        key_id, plaintext, revoked = in_transaction(work)
    except auth.UnknownTenant:
        raise fail(f"no tenant named {tenant!r}") from None
    for old_id in revoked:
        typer.echo(f"revoked {old_id}")
    scopes = ", ".join(sorted(s.value for s in set(scope)))
    typer.echo(f"created {key_id} for tenant {tenant} with scopes {scopes}")
    typer.echo("the key is shown only now:")
    typer.echo(plaintext)


@keys_app.command("list")
def keys_list(tenant: Annotated[str, typer.Option(help="Tenant name.")]) -> None:
    """List a tenant's keys (never their secrets)."""

    def work(session: Session) -> list[str]:
        owner = auth.require_tenant(session, tenant)
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
            for key in auth.list_api_keys(session, owner)
        ]

    print_lines(tenant, work)


@keys_app.command("revoke")
def keys_revoke(key_id: str) -> None:
    """Revoke the key KEY_ID; it stops working at once."""
    if not in_transaction(lambda session: auth.revoke_api_key(session, key_id)):
        raise fail(f"no active key {key_id}")
    typer.echo(f"revoked {key_id}")

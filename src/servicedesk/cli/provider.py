"""`servicedesk provider`: a tenant's ITSM provider (Freshservice, Zendesk)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.cli.base import (
    fail,
    in_transaction,
    provider_app,
    with_database,
)
from servicedesk.config import get_settings
from servicedesk.db.database import Database
from servicedesk.errors import ApiError
from servicedesk.providers.schemas import ProviderConfigIn


@provider_app.command("set")
def provider_set(
    tenant: Annotated[str, typer.Option(help="Tenant name.")],
    kind: Annotated[str, typer.Option(help="freshservice or zendesk.")],
    domain: Annotated[str, typer.Option(help="The account's subdomain, e.g. acme.")],
    api_key: Annotated[
        str,
        typer.Option(
            prompt="API key (Freshservice) or API token (Zendesk)",
            hide_input=True,
            envvar="SERVICEDESK_PROVIDER_API_KEY",
            help="Read from SERVICEDESK_PROVIDER_API_KEY or asked for; never an argument, "
            "so it stays out of shell history and the process list.",
            show_default=False,
        ),
    ],
    agent_email: Annotated[str | None, typer.Option(help="Zendesk: the token's agent.")] = None,
    default_requester_email: Annotated[
        str | None, typer.Option(help="Requester of tickets created without one.")
    ] = None,
    custom_field: Annotated[
        list[str] | None,
        typer.Option(
            help="OURS=THEIRS: our custom field OURS fills the provider's field THEIRS "
            "(a Freshservice name, a Zendesk id); repeat for several."
        ),
    ] = None,
) -> None:
    """Connect TENANT to its ITSM provider (as PUT /api/v1/configuration/provider)."""
    pairs = [entry.partition("=") for entry in custom_field or []]
    if any(not ours or not theirs for ours, _, theirs in pairs):
        raise fail("--custom-field takes OURS=THEIRS")
    try:
        data = ProviderConfigIn.model_validate(
            {
                "kind": kind,
                "domain": domain,
                "api_key": api_key,
                "agent_email": agent_email,
                "default_requester_email": default_requester_email,
                "custom_field_map": {ours: theirs for ours, _, theirs in pairs},
            }
        )
    except ValidationError as error:
        raise fail("; ".join(e["msg"] for e in error.errors())) from None
    from servicedesk.providers import service as providers

    settings = get_settings()

    async def put(database: Database) -> dict[str, Any]:
        owner = await database.read(lambda session: auth.require_tenant(session, tenant))
        config, secret = await providers.put_config(database, settings, owner.id, data)
        return providers.config_out(config, settings, secret).model_dump(mode="json")

    try:
        shown = with_database(put)
    except auth.UnknownTenant:
        raise fail(f"no tenant named {tenant!r}") from None
    except ApiError as error:
        raise fail(error.detail) from None
    typer.echo(json.dumps(shown, indent=2))


@provider_app.command("show")
def provider_show(tenant: Annotated[str, typer.Option(help="Tenant name.")]) -> None:
    """Print TENANT's provider settings (never the credential)."""
    from servicedesk.providers.models import ProviderConfig
    from servicedesk.providers.service import config_out

    settings = get_settings()

    def work(session: Session) -> dict[str, Any] | None:
        owner = auth.require_tenant(session, tenant)
        config = session.get(ProviderConfig, owner.id)
        return config_out(config, settings).model_dump(mode="json") if config else None

    try:
        shown = in_transaction(work)
    except auth.UnknownTenant:
        raise fail(f"no tenant named {tenant!r}") from None
    if shown is None:
        raise fail(f"tenant {tenant!r} has no provider")
    typer.echo(json.dumps(shown, indent=2))

"""A tenant's provider: its settings, its client, and when a ticket must be (re)synced.

Creating a ticket tries the provider first, before our transaction opens (so no lock or
connection is held across the call): its rejection becomes our 400 and nothing is
stored; any other failure stores the ticket as `pending` with a `provider.create` job
in the same transaction. PATCHes of mirrored fields enqueue `provider.update` jobs. All
jobs of one ticket share an ordering key, so they reach the provider in order.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.auth.keys import hash_key
from servicedesk.config import Settings
from servicedesk.crypto import secret_box
from servicedesk.custom_fields import service as custom_fields
from servicedesk.db.base import utcnow
from servicedesk.errors import InvalidProviderConfig, ProviderNotConfigured, ProviderRejected
from servicedesk.http import tls_context
from servicedesk.jobs import service as jobs
from servicedesk.logs import get_logger
from servicedesk.providers import freshservice, zendesk
from servicedesk.providers.base import (
    SYNCED_FIELDS,
    OutboundTicket,
    Provider,
    Rejected,
    RemoteTicket,
    Unavailable,
)
from servicedesk.providers.models import ProviderConfig
from servicedesk.providers.schemas import ProviderConfigIn, ProviderConfigOut
from servicedesk.tickets.models import Ticket

log = get_logger(__name__)

CREATE_JOB_KIND = "provider.create"
UPDATE_JOB_KIND = "provider.update"
NOTE_JOB_KIND = "provider.note"
JOB_KINDS = (CREATE_JOB_KIND, UPDATE_JOB_KIND, NOTE_JOB_KIND)
PENDING = "pending"
SYNCED = "synced"
FAILED = "failed"
INBOUND_PATH = "/api/v1/integrations/{kind}/events/{token}"


def new_http_client(timeout: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=timeout,
        verify=tls_context(),
        follow_redirects=False,
        trust_env=False,
        headers={"Accept": "application/json"},
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=10),
    )


# --- settings ------------------------------------------------------------------------


async def get_config(session: AsyncSession, tenant_id: uuid.UUID) -> ProviderConfig | None:
    return await session.get(ProviderConfig, tenant_id)


async def require_config(session: AsyncSession, tenant_id: uuid.UUID) -> ProviderConfig:
    config = await get_config(session, tenant_id)
    if config is None:
        raise ProviderNotConfigured()
    return config


async def put_config(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID, data: ProviderConfigIn
) -> tuple[ProviderConfig, str | None]:
    """Create or replace the tenant's provider; returns it and a new inbound secret, if
    one was made (only the first time: later PUTs keep the inbound URL and secret)."""
    config = await session.get(ProviderConfig, tenant_id, with_for_update=True)
    same_account = config is not None and (config.kind, config.domain) == (
        data.kind,
        data.domain,
    )
    if data.api_key is None and not same_account:
        raise InvalidProviderConfig("api_key is required for a new provider account")
    if data.kind == zendesk.KIND and data.agent_email is None:
        raise InvalidProviderConfig("agent_email is required for zendesk")
    field_map = await _checked_field_map(session, tenant_id, data.custom_field_map)
    now = utcnow()
    new_secret = None
    if config is None:
        new_secret = secrets.token_urlsafe(32)
        config = ProviderConfig(
            tenant_id=tenant_id,
            inbound_token=f"inb_{secrets.token_hex(16)}",
            inbound_secret_hash=hash_key(new_secret),
            consecutive_failures=0,
            created_at=now,
        )
        session.add(config)
    config.kind = data.kind
    config.domain = data.domain
    config.agent_email = data.agent_email if data.kind == zendesk.KIND else None
    config.default_requester_email = data.default_requester_email
    config.custom_field_map = field_map
    if data.api_key is not None:
        config.credentials_encrypted = secret_box(settings).encrypt(data.api_key.get_secret_value())
    config.consecutive_failures, config.paused_until = 0, None  # new settings: try at once
    config.updated_at = now
    await session.flush()
    return config, new_secret


async def _checked_field_map(
    session: AsyncSession, tenant_id: uuid.UUID, mapping: dict[str, str]
) -> dict[str, str]:
    """The map, if every key names one of the tenant's custom fields."""
    defined = await custom_fields.definitions_of(session, tenant_id)
    for name in mapping:
        if name not in defined:
            raise InvalidProviderConfig(f"custom_field_map: no custom field named {name!r}")
    return dict(mapping)


async def rotate_inbound_secret(
    session: AsyncSession, tenant_id: uuid.UUID
) -> tuple[ProviderConfig, str]:
    config = await session.get(ProviderConfig, tenant_id, with_for_update=True)
    if config is None:
        raise ProviderNotConfigured()
    secret = secrets.token_urlsafe(32)
    config.inbound_secret_hash = hash_key(secret)
    config.updated_at = utcnow()
    await session.flush()
    return config, secret


async def delete_config(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    config = await require_config(session, tenant_id)
    await session.delete(config)
    await session.flush()


def config_out(
    config: ProviderConfig, settings: Settings, inbound_secret: str | None = None
) -> ProviderConfigOut:
    return ProviderConfigOut(
        kind=config.kind,
        domain=config.domain,
        base_url=base_url(config, settings),
        agent_email=config.agent_email,
        default_requester_email=config.default_requester_email,
        custom_field_map=config.custom_field_map or {},
        inbound_url=inbound_path(config),
        inbound_secret=inbound_secret,
        created_at=config.created_at,
        updated_at=config.updated_at,
    )


def inbound_path(config: ProviderConfig) -> str:
    return INBOUND_PATH.format(kind=config.kind, token=config.inbound_token)


async def config_by_inbound_token(session: AsyncSession, token: str) -> ProviderConfig | None:
    result = await session.execute(
        select(ProviderConfig).where(ProviderConfig.inbound_token == token)
    )
    return result.scalar_one_or_none()


def inbound_secret_matches(config: ProviderConfig, presented: str) -> bool:
    return hmac.compare_digest(config.inbound_secret_hash, hash_key(presented))


# --- clients -------------------------------------------------------------------------


def base_url(config: ProviderConfig, settings: Settings) -> str:
    template = (
        settings.freshservice_base_url
        if config.kind == freshservice.KIND
        else settings.zendesk_base_url
    )
    return template.format(domain=config.domain).rstrip("/")


def client_for(config: ProviderConfig, settings: Settings, http: httpx.AsyncClient) -> Provider:
    credential = secret_box(settings).decrypt(config.credentials_encrypted)
    url = base_url(config, settings)
    if config.kind == freshservice.KIND:
        return freshservice.FreshserviceClient(http, url, credential)
    if config.kind == zendesk.KIND:
        return zendesk.ZendeskClient(http, url, config.agent_email or "", credential)
    raise ValueError(f"unknown provider kind {config.kind!r}")


def is_paused(config: ProviderConfig) -> bool:
    """Whether the provider failed so recently that nothing is sent to it for now."""
    return config.paused_until is not None and config.paused_until > utcnow()


def outbound(ticket: Ticket, config: ProviderConfig) -> OutboundTicket:
    return OutboundTicket(
        ticket_id=ticket.id,
        subject=ticket.subject,
        description=ticket.description,
        status=ticket.status,
        priority=ticket.priority,
        requester_email=ticket.requester_email or config.default_requester_email,
        custom_fields=mapped_custom_fields(config, ticket.custom_fields or {}),
    )


def mapped_custom_fields(
    config: ProviderConfig | None, values: Mapping[str, Any]
) -> dict[str, Any]:
    """The ticket's custom field values under the provider's field names, for the fields
    the tenant mapped; a mapped field without a value is None (a create leaves it out,
    an update clears it)."""
    if config is None:
        return {}
    return {theirs: values.get(ours) for ours, theirs in (config.custom_field_map or {}).items()}


# --- create and update ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateAttempt:
    """What trying the provider during a create came to (the provider did not reject)."""

    kind: str
    remote: RemoteTicket | None
    ambiguous: bool = False
    retry_after: float | None = None

    def ticket_fields(self) -> dict[str, Any]:
        if self.remote is None:
            return {"external_sync_status": PENDING}
        return {
            "external_provider": self.kind,
            "external_ticket_id": self.remote.id,
            "external_ticket_url": self.remote.url,
            "external_sync_status": SYNCED,
        }


async def create_at_provider(
    config: ProviderConfig | None,
    settings: Settings,
    http: httpx.AsyncClient,
    ticket: OutboundTicket,
) -> CreateAttempt | None:
    """Create the ticket at the tenant's provider, if it has one (None if not).

    Raises ProviderRejected with the provider's message when it refuses the content.
    """
    if config is None:
        return None
    if is_paused(config):
        # Down a moment ago: the request does not wait on it; the worker probes it.
        assert config.paused_until is not None
        return CreateAttempt(
            config.kind,
            None,
            retry_after=(config.paused_until - utcnow()).total_seconds(),
        )
    ticket = replace(
        ticket, requester_email=ticket.requester_email or config.default_requester_email
    )
    result = await client_for(config, settings, http).create(ticket)
    if isinstance(result, Rejected):
        raise ProviderRejected(result.message)
    if isinstance(result, Unavailable):
        log.warning("provider_create_deferred", provider=config.kind, reason=result.message)
        wait = result.retry_after
        return CreateAttempt(
            config.kind,
            None,
            ambiguous=result.ambiguous,
            retry_after=min(wait, settings.provider_retry_max_seconds) if wait else None,
        )
    return CreateAttempt(config.kind, result)


def enqueue_create(
    session: AsyncSession, ticket: Ticket, *, ambiguous: bool, retry_after: float | None = None
) -> None:
    """Queue the background create; a provider that asked us to wait (429) is waited for."""
    jobs.enqueue(
        session,
        tenant_id=ticket.tenant_id,
        kind=CREATE_JOB_KIND,
        ordering_key=ordering_key(ticket.id),
        payload={"ticket_id": str(ticket.id), "ambiguous": ambiguous},
        run_after=utcnow() + timedelta(seconds=retry_after) if retry_after else None,
    )


def after_update(session: AsyncSession, ticket: Ticket, changed: Collection[str]) -> bool:
    """Queue what a PATCH means for the ticket's mirror, if it has one; True if that
    changed the ticket too (its sync status).

    A mirrored field changed → push it. A ticket the provider rejected for good gets
    another create on any change: the change may be the fix (a requester e-mail, say).
    """
    if ticket.external_sync_status in (PENDING, SYNCED) and set(changed) & set(SYNCED_FIELDS):
        jobs.enqueue(
            session,
            tenant_id=ticket.tenant_id,
            kind=UPDATE_JOB_KIND,
            ordering_key=ordering_key(ticket.id),
            payload={"ticket_id": str(ticket.id)},
        )
    elif ticket.external_sync_status == FAILED and changed:
        ticket.external_sync_status = PENDING
        ticket.external_sync_error = None
        enqueue_create(session, ticket, ambiguous=False)
        return True
    return False


def after_note(session: AsyncSession, ticket: Ticket, note_id: uuid.UUID) -> None:
    """Queue the note for the provider, behind the ticket's create and earlier changes."""
    if ticket.external_sync_status in (PENDING, SYNCED):
        jobs.enqueue(
            session,
            tenant_id=ticket.tenant_id,
            kind=NOTE_JOB_KIND,
            ordering_key=ordering_key(ticket.id),
            payload={"ticket_id": str(ticket.id), "note_id": str(note_id)},
        )


def ordering_key(ticket_id: uuid.UUID) -> str:
    return f"prov:{ticket_id}"

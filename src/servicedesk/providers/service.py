"""A tenant's provider: its settings, its client, the create step, and when a ticket
must be (re)synced.

Creating a ticket tries the provider first (`MirrorStep`, a step of the create), before
our transaction opens, so no lock or connection is held across the call: its rejection
becomes our 400 and nothing is stored; any other failure stores the ticket as `pending`
with a `provider.create` job in the same transaction. Later changes reach the provider
through `mirror_change`, a subscriber of ticket events. All jobs of one ticket share an
ordering key, so they reach the provider in order.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.orm import Session

from servicedesk import tenant_config
from servicedesk.auth.keys import hash_key
from servicedesk.config import Settings
from servicedesk.crypto import secret_box
from servicedesk.custom_fields.service import DEFINITIONS
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.errors import InvalidProviderConfig, ProviderNotConfigured, ProviderRejected
from servicedesk.http import tls_context
from servicedesk.jobs import repository as jobs
from servicedesk.jobs.service import JobSpec
from servicedesk.logs import get_logger
from servicedesk.providers import freshservice, zendesk
from servicedesk.providers import repository as configs
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
from servicedesk.tenant_config import ConfigPart, TenantConfig
from servicedesk.tickets.drafts import NewTicket
from servicedesk.tickets.events import Publication, TicketEvent, TicketEventType
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


@dataclass(frozen=True, slots=True)
class ProviderAccount:
    """The tenant's provider account as its configuration keeps it."""

    kind: str
    domain: str
    agent_email: str | None
    default_requester_email: str | None
    credentials_encrypted: str
    custom_field_map: Mapping[str, str]

    @property
    def account(self) -> str:
        """Which account: a ticket mirrored in another one is not synced here."""
        return account_of(self.kind, self.domain)


def account_of(kind: str, domain: str) -> str:
    return f"{kind}:{domain}"


def _load_account(session: Session, tenant_id: uuid.UUID) -> ProviderAccount | None:
    config = session.get(ProviderConfig, tenant_id)
    if config is None:
        return None
    return ProviderAccount(
        config.kind,
        config.domain,
        config.agent_email,
        config.default_requester_email,
        config.credentials_encrypted,
        dict(config.custom_field_map or {}),
    )


PROVIDER: ConfigPart[ProviderAccount | None] = ConfigPart("provider", _load_account)


async def get_config(database: Database, tenant_id: uuid.UUID) -> ProviderConfig:
    def read(session: Session) -> ProviderConfig:
        config = session.get(ProviderConfig, tenant_id)
        if config is None:
            raise ProviderNotConfigured()
        return config

    return await database.read(read)


async def put_config(
    database: Database, settings: Settings, tenant_id: uuid.UUID, data: ProviderConfigIn
) -> tuple[ProviderConfig, str | None]:
    """Create or replace the tenant's provider; returns it and a new inbound secret, if
    one was made (only the first time: later PUTs keep the inbound URL and secret)."""
    if data.kind == zendesk.KIND and data.agent_email is None:
        raise InvalidProviderConfig("agent_email is required for zendesk")
    credential = (
        secret_box(settings).encrypt(data.api_key.get_secret_value()) if data.api_key else None
    )
    new_secret = secrets.token_urlsafe(32)

    def write(session: Session) -> tuple[ProviderConfig, str | None]:
        config = session.get(ProviderConfig, tenant_id, with_for_update=True)
        same_account = config is not None and (config.kind, config.domain) == (
            data.kind,
            data.domain,
        )
        if credential is None and not same_account:
            raise InvalidProviderConfig("api_key is required for a new provider account")
        config_map = _checked_field_map(session, tenant_id, data.custom_field_map)
        now = utcnow()
        made = None
        if config is None:
            made = new_secret
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
        config.custom_field_map = config_map
        if credential is not None:
            config.credentials_encrypted = credential
        config.consecutive_failures, config.paused_until = 0, None  # new settings: try at once
        config.updated_at = now
        session.flush()
        tenant_config.bump(session, tenant_id)
        return config, made

    return await database.write(write, tenant_id=tenant_id)


def _checked_field_map(
    session: Session, tenant_id: uuid.UUID, mapping: dict[str, str]
) -> dict[str, str]:
    """The map, if every key names one of the tenant's custom fields."""
    defined = DEFINITIONS.load(session, tenant_id)
    for name in mapping:
        if name not in defined:
            raise InvalidProviderConfig(f"custom_field_map: no custom field named {name!r}")
    return dict(mapping)


async def rotate_inbound_secret(
    database: Database, tenant_id: uuid.UUID
) -> tuple[ProviderConfig, str]:
    secret = secrets.token_urlsafe(32)

    def write(session: Session) -> ProviderConfig:
        config = session.get(ProviderConfig, tenant_id, with_for_update=True)
        if config is None:
            raise ProviderNotConfigured()
        config.inbound_secret_hash = hash_key(secret)
        config.updated_at = utcnow()
        return config

    return await database.write(write, tenant_id=tenant_id), secret


async def delete_config(database: Database, tenant_id: uuid.UUID) -> None:
    def write(session: Session) -> None:
        config = session.get(ProviderConfig, tenant_id, with_for_update=True)
        if config is None:
            raise ProviderNotConfigured()
        session.delete(config)
        tenant_config.bump(session, tenant_id)

    await database.write(write, tenant_id=tenant_id)


def config_out(
    config: ProviderConfig, settings: Settings, inbound_secret: str | None = None
) -> ProviderConfigOut:
    return ProviderConfigOut(
        kind=config.kind,
        domain=config.domain,
        base_url=base_url(config.kind, config.domain, settings),
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


def inbound_secret_matches(config: ProviderConfig, presented: str) -> bool:
    return hmac.compare_digest(config.inbound_secret_hash, hash_key(presented))


def paused_until(session: Session, tenant_id: uuid.UUID) -> datetime | None:
    """When the circuit breaker lets the provider be called again (None: now)."""
    found = configs.paused_until(session, tenant_id)
    return found if found is not None and found > utcnow() else None


# --- clients -------------------------------------------------------------------------


def base_url(kind: str, domain: str, settings: Settings) -> str:
    template = (
        settings.freshservice_base_url if kind == freshservice.KIND else settings.zendesk_base_url
    )
    return template.format(domain=domain).rstrip("/")


def client_for(account: ProviderAccount, settings: Settings, http: httpx.AsyncClient) -> Provider:
    credential = secret_box(settings).decrypt(account.credentials_encrypted)
    url = base_url(account.kind, account.domain, settings)
    if account.kind == freshservice.KIND:
        return freshservice.FreshserviceClient(http, url, credential)
    if account.kind == zendesk.KIND:
        return zendesk.ZendeskClient(http, url, account.agent_email or "", credential)
    raise ValueError(f"unknown provider kind {account.kind!r}")


def outbound(ticket: Ticket, account: ProviderAccount) -> OutboundTicket:
    return OutboundTicket(
        ticket_id=ticket.id,
        subject=ticket.subject,
        description=ticket.description,
        status=ticket.status,
        priority=ticket.priority,
        requester_email=ticket.requester_email or account.default_requester_email,
        custom_fields=mapped_custom_fields(account, ticket.custom_fields or {}),
    )


def mapped_custom_fields(
    account: ProviderAccount | None, values: Mapping[str, Any]
) -> dict[str, Any]:
    """The ticket's custom field values under the provider's field names, for the fields
    the tenant mapped; a mapped field without a value is None (a create leaves it out,
    an update clears it)."""
    if account is None:
        return {}
    return {theirs: values.get(ours) for ours, theirs in account.custom_field_map.items()}


def mirrored_elsewhere(ticket: Ticket, account: ProviderAccount) -> str | None:
    """Why this ticket's changes must not go to the tenant's provider account now: its
    mirror lives in another account (the tenant moved); None when it may."""
    if ticket.external_ticket_id is None:
        return None
    held_in = ticket.external_account
    if held_in is None:  # mirrored before accounts were recorded: compare the vendor
        if ticket.external_provider in (None, account.kind):
            return None
        held_in = ticket.external_provider
    elif held_in == account.account:
        return None
    return (
        f"Mirrored in {held_in.replace(':', ' ')}, which is no longer the tenant's provider "
        f"(now {account.kind} {account.domain}): changes are not sent there"
    )


# --- create and update ---------------------------------------------------------------


class MirrorStep:
    """The create step: make the ticket at the tenant's provider, if it has one.

    Raises ProviderRejected with the provider's message when it refuses the content.
    A create whose first try may have reached the provider (an Idempotency-Key taken
    over from a request that stopped answering) looks for that ticket first."""

    def __init__(self, database: Database, settings: Settings, http: httpx.AsyncClient) -> None:
        self.database = database
        self.settings = settings
        self.http = http

    def reaches_out(self, config: TenantConfig) -> bool:
        return config[PROVIDER] is not None

    async def __call__(self, config: TenantConfig, draft: NewTicket) -> NewTicket:
        account = config[PROVIDER]
        if account is None:
            return draft
        tenant_id = draft.tenant_id
        paused = await self.database.read(lambda session: paused_until(session, tenant_id))
        if paused is not None:
            # Down a moment ago: the request does not wait on it; the worker probes it.
            return _pending(draft, ambiguous=False, run_after=paused)
        state = draft.state()
        ticket = OutboundTicket(
            draft.id,
            state["subject"],
            state["description"],
            state["status"],
            state["priority"],
            state["requester_email"] or account.default_requester_email,
            mapped_custom_fields(account, state["custom_fields"]),
        )
        client = client_for(account, self.settings, self.http)
        if draft.resumed:
            found = await client.find(draft.id)
            if isinstance(found, RemoteTicket):
                return _synced(draft, account, found)
            if found is not None:
                return self._deferred(draft, account, found, ambiguous=True)
        result = await client.create(ticket)
        if isinstance(result, Rejected):
            raise ProviderRejected(result.message)
        if isinstance(result, Unavailable):
            return self._deferred(draft, account, result, ambiguous=result.ambiguous)
        return _synced(draft, account, result)

    def _deferred(
        self, draft: NewTicket, account: ProviderAccount, result: Unavailable, *, ambiguous: bool
    ) -> NewTicket:
        log.warning("provider_create_deferred", provider=account.kind, reason=result.message)
        wait = result.retry_after
        delay = min(wait, self.settings.provider_retry_max_seconds) if wait else None
        run_after = utcnow() + timedelta(seconds=delay) if delay else None
        return _pending(draft, ambiguous=ambiguous or draft.resumed, run_after=run_after)


def _synced(draft: NewTicket, account: ProviderAccount, remote: RemoteTicket) -> NewTicket:
    return draft.with_stored(
        external_provider=account.kind,
        external_ticket_id=remote.id,
        external_ticket_url=remote.url,
        external_sync_status=SYNCED,
        external_account=account.account,
    )


def _pending(draft: NewTicket, *, ambiguous: bool, run_after: datetime | None) -> NewTicket:
    """Stored `pending`, with the background create (after a 429: not before its wait)."""
    job = create_job(draft.id, ambiguous=ambiguous, run_after=run_after)
    return draft.with_stored(external_sync_status=PENDING).with_job(job)


def create_job(
    ticket_id: uuid.UUID, *, ambiguous: bool, run_after: datetime | None = None
) -> JobSpec:
    return JobSpec(
        CREATE_JOB_KIND,
        ordering_key(ticket_id),
        {"ticket_id": str(ticket_id), "ambiguous": ambiguous},
        run_after=run_after,
    )


def mirror_changes(publication: Publication, events: Sequence[TicketEvent]) -> None:
    """The subscriber: queue what a change means for the ticket's mirror."""
    specs = [spec for event in events if (spec := _mirror_job(event)) is not None]
    if specs:
        jobs.enqueue_with(publication.rows, events[0].tenant_id, *specs)


def _mirror_job(event: TicketEvent) -> JobSpec | None:
    """A mirrored field changed → push it; a note → post it; a mirror that had failed and
    was set back to `pending` by the change → create it again. Changes made by the
    provider itself (its reports, sync outcomes) are never echoed back, and the
    `ticket.closed` / `ticket.reopened` that follow a `ticket.updated` repeat its changes."""
    if event.actor.startswith("provider"):
        return None
    status = event.data.get("external_sync_status")
    if event.type is TicketEventType.NOTE_ADDED:
        if status not in (PENDING, SYNCED):
            return None
        return JobSpec(
            NOTE_JOB_KIND,
            ordering_key(event.ticket_id),
            {"ticket_id": str(event.ticket_id), "note_id": event.data["note"]["id"]},
        )
    if event.type not in (TicketEventType.UPDATED, TicketEventType.TRIAGED) or not event.changes:
        return None
    if event.changes.get("external_sync_status", {}).get("old") == FAILED and status == PENDING:
        return create_job(event.ticket_id, ambiguous=False)
    if status in (PENDING, SYNCED) and set(event.changes) & set(SYNCED_FIELDS):
        return JobSpec(
            UPDATE_JOB_KIND, ordering_key(event.ticket_id), {"ticket_id": str(event.ticket_id)}
        )
    return None


def ordering_key(ticket_id: uuid.UUID) -> str:
    return f"prov:{ticket_id}"


def pause_circuit(
    session: Session, tenant_id: uuid.UUID, failures: int, delay: float
) -> datetime | None:
    """Record a failed call: all the tenant's provider jobs wait until the returned time
    (None: no provider any more). Runs in the failed job's finishing transaction."""
    config = session.get(ProviderConfig, tenant_id, with_for_update=True)
    if config is None:
        return None
    now = utcnow()
    if config.paused_until is None or config.paused_until <= now:
        config.consecutive_failures = failures
        config.paused_until = now + timedelta(seconds=delay)
        jobs.postpone_pending(session, tenant_id, JOB_KINDS, config.paused_until)
    return config.paused_until


def close_circuit(session: Session, tenant_id: uuid.UUID) -> None:
    config = session.get(ProviderConfig, tenant_id)
    if config is not None and (config.consecutive_failures or config.paused_until):
        config.consecutive_failures, config.paused_until = 0, None

"""Rules for tenants and keys: creation, listing, revocation, authentication."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from servicedesk.auth import repository
from servicedesk.auth.keys import (
    MAX_KEY_LENGTH,
    display_prefix,
    generate_key,
    hash_key,
    new_key_id,
)
from servicedesk.auth.models import ApiKey, Tenant
from servicedesk.auth.scopes import Scope
from servicedesk.db.base import utcnow


class TenantExists(Exception):
    """A tenant of that name already exists."""


class UnknownTenant(Exception):
    """No tenant has that name."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of a request: its tenant, its key and what the key may do."""

    tenant_id: uuid.UUID
    key_id: str
    scopes: frozenset[str]


def create_tenant(session: Session, name: str) -> Tenant:
    if repository.get_tenant_by_name(session, name) is not None:
        raise TenantExists(name)
    tenant = Tenant(id=uuid.uuid4(), name=name, created_at=utcnow())
    session.add(tenant)
    session.flush()
    return tenant


def get_or_create_tenant(session: Session, name: str) -> Tenant:
    existing = repository.get_tenant_by_name(session, name)
    return existing if existing is not None else create_tenant(session, name)


def require_tenant(session: Session, name: str) -> Tenant:
    tenant = repository.get_tenant_by_name(session, name)
    if tenant is None:
        raise UnknownTenant(name)
    return tenant


def create_api_key(
    session: Session, tenant: Tenant, scopes: Iterable[Scope], name: str = ""
) -> tuple[ApiKey, str]:
    """Make a key for `tenant`; the plaintext is returned here and never again."""
    plaintext = generate_key()
    key = ApiKey(
        id=new_key_id(),
        tenant_id=tenant.id,
        name=name,
        key_hash=hash_key(plaintext),
        display_prefix=display_prefix(plaintext),
        scopes=sorted({scope.value for scope in scopes}),
        created_at=utcnow(),
    )
    session.add(key)
    session.flush()
    return key, plaintext


def list_api_keys(session: Session, tenant: Tenant) -> Sequence[ApiKey]:
    return repository.list_keys(session, tenant.id)


def revoke_keys_named(session: Session, tenant: Tenant, name: str) -> list[str]:
    """Revoke the tenant's active keys labelled `name`; their ids."""
    named = [
        key.id
        for key in repository.list_keys(session, tenant.id)
        if key.name == name and key.revoked_at is None
    ]
    for key_id in named:
        repository.revoke_key(session, key_id, utcnow())
    return named


def revoke_api_key(session: Session, key_id: str) -> bool:
    """Revoke a key; False when no active key has that id."""
    return repository.revoke_key(session, key_id, utcnow())


def presented_key_hash(plaintext: str | None) -> str | None:
    """The hash to look a presented key up by; None for a missing or oversized one."""
    if not plaintext or len(plaintext) > MAX_KEY_LENGTH:
        return None
    return hash_key(plaintext)


def authenticate(session: Session, plaintext: str | None) -> Principal | None:
    """The principal behind a presented key, or None for a missing, unknown or revoked one."""
    key_hash = presented_key_hash(plaintext)
    return None if key_hash is None else principal_for_hash(session, key_hash)


def principal_for_hash(session: Session, key_hash: str) -> Principal | None:
    key = repository.get_active_key_by_hash(session, key_hash)
    if key is None:
        return None
    return Principal(tenant_id=key.tenant_id, key_id=key.id, scopes=frozenset(key.scopes))

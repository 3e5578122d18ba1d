"""Queries on tenants and API keys."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, literal_column, select, update
from sqlalchemy.orm import Session

from servicedesk.auth.models import ApiKey, Tenant
from servicedesk.db.base import table_of
from servicedesk.db.rows import Precondition

# The configuration version's statements (servicedesk.tenant_config): Core, compiled once,
# run on the connection without the ORM's layer (every request reads the version).
_TENANTS = table_of(Tenant)
_VERSION = select(_TENANTS.c.config_version).where(_TENANTS.c.id == bindparam("tenant_id"))
_SAME_VERSION: Select[Any] = select(literal_column("1")).where(
    _TENANTS.c.id == bindparam("guard_tenant_id"),
    _TENANTS.c.config_version == bindparam("guard_config_version"),
)
_BUMP = (
    update(_TENANTS)
    .where(_TENANTS.c.id == bindparam("tenant_id"))
    .values(config_version=_TENANTS.c.config_version + 1)
)


def config_version(session: Session, tenant_id: uuid.UUID) -> int | None:
    """The tenant's configuration version; None if there is no such tenant."""
    version: int | None = session.connection().execute(_VERSION, {"tenant_id": tenant_id}).scalar()
    return version


def same_config_version(tenant_id: uuid.UUID, version: int) -> Precondition:
    """A write's condition: the tenant's configuration is still at `version`."""
    return Precondition(
        _SAME_VERSION, {"guard_tenant_id": tenant_id, "guard_config_version": version}
    )


def bump_config_version(session: Session, tenant_id: uuid.UUID) -> None:
    session.connection().execute(_BUMP, {"tenant_id": tenant_id})


def get_tenant_by_name(session: Session, name: str) -> Tenant | None:
    result = session.execute(select(Tenant).where(Tenant.name == name))
    return result.scalar_one_or_none()


def list_tenants(session: Session) -> Sequence[Tenant]:
    result = session.execute(select(Tenant).order_by(Tenant.name))
    return result.scalars().all()


def get_active_key_by_hash(session: Session, key_hash: str) -> ApiKey | None:
    result = session.execute(
        select(ApiKey).where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
    )
    return result.scalar_one_or_none()


def list_keys(session: Session, tenant_id: uuid.UUID) -> Sequence[ApiKey]:
    result = session.execute(
        select(ApiKey).where(ApiKey.tenant_id == tenant_id).order_by(ApiKey.created_at)
    )
    return result.scalars().all()


def revoke_key(session: Session, key_id: str, when: datetime) -> bool:
    result = session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=when)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]

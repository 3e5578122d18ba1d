"""Queries on tenants and API keys."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from servicedesk.auth.models import ApiKey, Tenant


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

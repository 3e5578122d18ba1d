"""The provider configurations' queries (`provider_configs`, one row per tenant)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicedesk.providers.models import ProviderConfig


def config_by_inbound_token(session: Session, token: str) -> ProviderConfig | None:
    result = session.execute(select(ProviderConfig).where(ProviderConfig.inbound_token == token))
    return result.scalar_one_or_none()


def paused_until(session: Session, tenant_id: uuid.UUID) -> datetime | None:
    """The circuit breaker's pause as stored (it may have passed)."""
    found: datetime | None = session.scalar(
        select(ProviderConfig.paused_until).where(ProviderConfig.tenant_id == tenant_id)
    )
    return found


def consecutive_failures(session: Session, tenant_id: uuid.UUID) -> int:
    return int(
        session.scalar(
            select(ProviderConfig.consecutive_failures).where(ProviderConfig.tenant_id == tenant_id)
        )
        or 0
    )

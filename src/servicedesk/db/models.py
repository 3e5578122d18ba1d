"""Imports every model module so that `Base.metadata` knows all tables."""

from servicedesk.auth.models import ApiKey, Tenant
from servicedesk.db.base import Base
from servicedesk.idempotency.models import IdempotencyRecord
from servicedesk.tickets.models import Ticket

__all__ = ["ApiKey", "Base", "IdempotencyRecord", "Tenant", "Ticket"]

"""Every query of the SLA package: the tenant's policies, and the tickets its report reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping

from servicedesk.db.repository import TenantRepository
from servicedesk.sla.models import SlaPolicy
from servicedesk.tickets.models import Ticket


class PolicyRepository(TenantRepository[SlaPolicy]):
    model = SlaPolicy

    def in_order(self) -> Sequence[SlaPolicy]:
        """By position; of equal positions, the older first."""
        return self.all(
            self.scoped().order_by(SlaPolicy.position, SlaPolicy.created_at, SlaPolicy.id)
        )

    def next_position(self) -> int:
        """One after the last policy's position (1 for the first)."""
        last = self.session.scalar(
            select(func.max(SlaPolicy.position)).where(SlaPolicy.tenant_id == self.tenant_id)
        )
        return 1 if last is None else int(last) + 1


class SlaTicketRepository(TenantRepository[Ticket]):
    """The tickets' SLA columns, for the report."""

    model = Ticket

    def with_sla(self, start: datetime, end: datetime) -> Sequence[RowMapping]:
        """Tickets created in [start, end) that carry an SLA."""
        statement = select(
            Ticket.status,
            Ticket.priority,
            Ticket.group_id,
            Ticket.sla_policy_id,
            Ticket.sla,
            Ticket.sla_clock,
            Ticket.sla_due_at,
            Ticket.sla_breached,
        ).where(
            Ticket.tenant_id == self.tenant_id,
            Ticket.created_at >= start,
            Ticket.created_at < end,
            Ticket.sla_policy_id.is_not(None),
        )
        return self.session.execute(statement).mappings().all()

"""The rules of SLA policies, the clock's place in every ticket change, and the report.

Policies are part of the tenant's configuration (`POLICIES`): every change to one moves
the configuration's version, and each ticket picks its policy again on its next change.
`sla_clock` is the deriver `servicedesk.composition` gives the ticket service: it runs
inside every change's transaction (servicedesk.tickets.derived).
"""

from __future__ import annotations

import secrets
import statistics
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from servicedesk import tenant_config
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.errors import NoValidFields, SlaPolicyNotFound, ValidationFailed
from servicedesk.sla import clock
from servicedesk.sla.calendar import calendar_of
from servicedesk.sla.clock import RESOLVED_STATUSES, WARNING, Clock, Policy, open_targets
from servicedesk.sla.models import SlaPolicy
from servicedesk.sla.repository import PolicyRepository, SlaTicketRepository
from servicedesk.sla.schemas import PolicyCreate, PolicyFields, PolicyUpdate
from servicedesk.tenant_config import ConfigPart, TenantConfig
from servicedesk.tickets.derived import Derived, Moment


def _frozen(row: SlaPolicy) -> Policy:
    return Policy(
        id=row.id,
        position=row.position,
        conditions={name: value for name, value in row.conditions.items() if value is not None},
        calendar=calendar_of(row.calendar),
        targets=row.targets,
        pause_statuses=frozenset(row.pause_statuses),
        warn_at=row.warn_at,
    )


def _load_policies(session: Session, tenant_id: uuid.UUID) -> tuple[Policy, ...]:
    return tuple(_frozen(row) for row in PolicyRepository(session, tenant_id).in_order())


POLICIES: ConfigPart[tuple[Policy, ...]] = ConfigPart("sla_policies", _load_policies)


def sla_clock(config: TenantConfig, ticket: Mapping[str, Any], moment: Moment) -> Derived:
    """The deriver: the ticket's SLA columns and timers after a change."""
    derived, _ = clock.derive(config[POLICIES], ticket, moment)
    return derived


# -- policies ---------------------------------------------------------------------------


async def list_policies(database: Database, tenant_id: uuid.UUID) -> Sequence[SlaPolicy]:
    return await database.read(lambda session: PolicyRepository(session, tenant_id).in_order())


async def get_policy(database: Database, tenant_id: uuid.UUID, policy_id: str) -> SlaPolicy:
    return await database.read(partial(_require, tenant_id=tenant_id, policy_id=policy_id))


def _require(
    session: Session, *, tenant_id: uuid.UUID, policy_id: str, for_update: bool = False
) -> SlaPolicy:
    policy = PolicyRepository(session, tenant_id).get(policy_id, for_update=for_update)
    if policy is None:
        raise SlaPolicyNotFound()
    return policy


def _stored(fields: PolicyFields) -> dict[str, Any]:
    """The columns of a checked policy, as JSON-ready data."""
    dumped = fields.model_dump(mode="json")
    dumped["conditions"] = fields.conditions.model_dump(mode="json", exclude_none=True)
    dumped["targets"] = {
        priority: target.model_dump(mode="json") for priority, target in fields.targets.items()
    }
    return dumped


async def create_policy(database: Database, tenant_id: uuid.UUID, data: PolicyCreate) -> SlaPolicy:
    def create(session: Session) -> SlaPolicy:
        repository = PolicyRepository(session, tenant_id)
        position = data.position if data.position is not None else repository.next_position()
        fields = _stored(data.model_copy(update={"position": position}))
        now = utcnow()
        policy = SlaPolicy(
            id=f"sla_{secrets.token_hex(8)}",
            tenant_id=tenant_id,
            **fields,
            created_at=now,
            updated_at=now,
        )
        repository.add(policy)
        tenant_config.bump(session, tenant_id)
        return policy

    return await database.write(create, tenant_id=tenant_id)


async def update_policy(
    database: Database, tenant_id: uuid.UUID, policy_id: str, patch: PolicyUpdate
) -> SlaPolicy:
    """A PATCH: the policy as it would be is checked whole (422 naming the field)."""
    if not patch.model_fields_set:
        raise NoValidFields()

    def update(session: Session) -> SlaPolicy:
        policy = _require(session, tenant_id=tenant_id, policy_id=policy_id, for_update=True)
        current = PolicyFields.model_validate(policy, from_attributes=True).model_dump()
        changed = patch.model_dump(include=patch.model_fields_set)
        try:
            checked = PolicyFields.model_validate({**current, **changed})
        except ValidationError as error:
            raise ValidationFailed.of_body(error.errors()) from None
        for name, value in _stored(checked).items():
            setattr(policy, name, value)
        policy.updated_at = utcnow()
        tenant_config.bump(session, tenant_id)
        return policy

    return await database.write(update, tenant_id=tenant_id)


async def delete_policy(database: Database, tenant_id: uuid.UUID, policy_id: str) -> None:
    def delete(session: Session) -> None:
        policy = _require(session, tenant_id=tenant_id, policy_id=policy_id, for_update=True)
        PolicyRepository(session, tenant_id).delete(policy)
        tenant_config.bump(session, tenant_id)

    await database.write(delete, tenant_id=tenant_id)


# -- the report -------------------------------------------------------------------------

GROUP_COLUMNS = {"policy": "sla_policy_id", "priority": "priority", "group": "group_id"}


@dataclass(slots=True)
class _Tally:
    tickets: int = 0
    met: int = 0
    breached: int = 0
    open_at_risk: int = 0
    first_response: list[float] = field(default_factory=list)
    resolution: list[float] = field(default_factory=list)


async def report(
    database: Database, tenant_id: uuid.UUID, start: datetime, end: datetime, group_by: str
) -> list[dict[str, Any]]:
    """Tickets created in [start, end) that carry an SLA, grouped: how many met every
    target, breached one, or are open past a warning; first-response and resolution
    times in business minutes (median, p90)."""
    now = utcnow()

    def read(session: Session) -> list[dict[str, Any]]:
        rows = SlaTicketRepository(session, tenant_id).with_sla(start, end)
        return _tallied(rows, GROUP_COLUMNS[group_by], now)

    return await database.read(read)


def _tallied(
    rows: Iterable[Mapping[Any, Any]], group_column: str, now: datetime
) -> list[dict[str, Any]]:
    tallies: dict[str | None, _Tally] = {}
    for row in rows:
        key = row[group_column]
        tally = tallies.setdefault(None if key is None else str(key), _Tally())
        _count(tally, row, now)
    return [
        {
            "key": key,
            "tickets": tally.tickets,
            "met": tally.met,
            "breached": tally.breached,
            "open_at_risk": tally.open_at_risk,
            "first_response_minutes": _durations(tally.first_response),
            "resolution_minutes": _durations(tally.resolution),
        }
        for key, tally in sorted(tallies.items(), key=lambda item: (item[0] is None, item[0] or ""))
    ]


def _count(tally: _Tally, row: Mapping[Any, Any], now: datetime) -> None:
    sla, stored = row["sla"] or {}, Clock.from_json(row["sla_clock"])
    tally.tickets += 1
    if stored.first_response_minutes is not None:
        tally.first_response.append(stored.first_response_minutes)
    if stored.resolution_minutes is not None:
        tally.resolution.append(stored.resolution_minutes)
    due = row["sla_due_at"]
    if row["sla_breached"] or (due is not None and due <= now):
        tally.breached += 1
    elif _all_met(sla, row["status"]):
        tally.met += 1
    elif any(stored.marker(target, WARNING) in stored.fired for target in open_targets(sla)):
        tally.open_at_risk += 1


def _all_met(sla: Mapping[str, Any], status: str) -> bool:
    return status in RESOLVED_STATUSES and not open_targets(sla)


def _durations(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"median": None, "p90": None}
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, max(0, -(-9 * len(ordered) // 10) - 1))]
    return {"median": round(statistics.median(ordered), 2), "p90": round(p90, 2)}

"""The SLA clock a ticket carries, and what it derives on every change.

The clock keeps the ticket's history as far as its SLA needs it: the intervals it
stood (a pause status, or resolved until reopened), when it was first answered and when
resolved, the resolution's cycle (a reopen starts the next), and which warnings and
breaches have fired. From that, the chosen policy and its calendar, every due time is
computed again on every change, so a new priority or policy moves due times without
resetting what has run (docs/sla.md gives the rules with examples).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from servicedesk.db.ready import instant
from servicedesk.jobs.service import JobSpec
from servicedesk.sla.calendar import TWENTY_FOUR_SEVEN, Calendar, Stop
from servicedesk.tickets.derived import UNCHANGED, Derived, Moment

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"
TARGETS = (FIRST_RESPONSE, RESOLUTION)
WARNING = "warning"
BREACH = "breach"
RESOLVED_STATUSES = frozenset(("resolved", "ai_resolved", "closed"))
DEFAULT_PAUSE_STATUSES = frozenset(("pending",))
TIMER_JOB_KIND = "sla.timer"


# Where the ticket's `sla` object says a target was met.
MET_AT_FIELD = {FIRST_RESPONSE: "first_responded_at", RESOLUTION: "resolved_at"}


def open_targets(sla: Mapping[str, Any]) -> list[str]:
    """The targets of a ticket's `sla` object still running: due, and not met."""
    return [
        target
        for target in TARGETS
        if sla.get(f"{target}_due_at") is not None and sla.get(MET_AT_FIELD[target]) is None
    ]


def timer_key(ticket_id: uuid.UUID | str) -> str:
    """One ordering key per ticket: its timers run in the order of their times."""
    return f"sla:{ticket_id}"


@dataclass(frozen=True, slots=True)
class Policy:
    """A policy as the tenant's configuration keeps it."""

    id: str
    position: int
    conditions: Mapping[str, Any]
    calendar: Calendar
    # priority → {"first_response_minutes": int | None, "resolution_minutes": int | None}
    targets: Mapping[str, Mapping[str, int | None]]
    pause_statuses: frozenset[str]
    warn_at: float

    def matches(self, ticket: Mapping[str, Any]) -> bool:
        return all(
            _condition_holds(name, wanted, ticket) for name, wanted in self.conditions.items()
        )

    def minutes(self, priority: str | None, target: str) -> int | None:
        if priority is None or priority not in self.targets:
            return None
        return self.targets[priority].get(f"{target}_minutes")


def _condition_holds(name: str, wanted: Any, ticket: Mapping[str, Any]) -> bool:
    if name == "requester_domain":
        email = ticket.get("requester_email") or ""
        return email.rpartition("@")[2].lower() in wanted
    if name == "group_id":
        group = ticket.get("group_id")
        return group is not None and str(group) in wanted
    if name == "custom_fields":
        values = ticket.get("custom_fields") or {}
        return all(_value_in(values.get(key), allowed) for key, allowed in wanted.items())
    return ticket.get(name) in wanted


def _value_in(value: Any, allowed: Sequence[Any]) -> bool:
    if isinstance(value, list):  # a multi_select: any of its values
        return any(item in allowed for item in value)
    return value is not None and value in allowed


def choose(policies: Sequence[Policy], ticket: Mapping[str, Any]) -> Policy | None:
    """The first policy by position whose conditions the ticket meets."""
    return next((policy for policy in policies if policy.matches(ticket)), None)


@dataclass(frozen=True, slots=True)
class Clock:
    """What the ticket's SLA remembers between changes (the `sla_clock` column)."""

    stops: tuple[tuple[datetime, datetime], ...] = ()
    stopped_since: datetime | None = None
    first_responded_at: datetime | None = None
    resolved_at: datetime | None = None
    first_response_minutes: float | None = None
    resolution_minutes: float | None = None
    cycle: int = 1
    fired: frozenset[str] = frozenset()
    # (marker, at) of the timers queued, in time order.
    schedule: tuple[tuple[str, datetime], ...] = ()

    def all_stops(self) -> list[Stop]:
        stops: list[Stop] = list(self.stops)
        if self.stopped_since is not None:
            stops.append((self.stopped_since, None))
        return stops

    def stops_until(self, moment: datetime) -> list[Stop]:
        """The stops before `moment`, the last one ending there at the latest."""
        return [
            (start, moment if end is None or end > moment else end)
            for start, end in self.all_stops()
            if start < moment
        ]

    def met_at(self, target: str) -> datetime | None:
        return self.first_responded_at if target == FIRST_RESPONSE else self.resolved_at

    def marker(self, target: str, kind: str) -> str:
        """A warning or breach of a target in its cycle: each fires once."""
        cycle = 1 if target == FIRST_RESPONSE else self.cycle
        return f"{target}:{kind}:{cycle}"

    def to_json(self) -> dict[str, Any]:
        return {
            "stops": [[instant(start), instant(end)] for start, end in self.stops],
            "stopped_since": _text(self.stopped_since),
            "first_responded_at": _text(self.first_responded_at),
            "resolved_at": _text(self.resolved_at),
            "first_response_minutes": self.first_response_minutes,
            "resolution_minutes": self.resolution_minutes,
            "cycle": self.cycle,
            "fired": sorted(self.fired),
            "schedule": [[marker, instant(at)] for marker, at in self.schedule],
        }

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> Clock:
        return cls(
            stops=tuple((_instant(start), _instant(end)) for start, end in stored["stops"]),
            stopped_since=_maybe(stored.get("stopped_since")),
            first_responded_at=_maybe(stored.get("first_responded_at")),
            resolved_at=_maybe(stored.get("resolved_at")),
            first_response_minutes=stored.get("first_response_minutes"),
            resolution_minutes=stored.get("resolution_minutes"),
            cycle=int(stored.get("cycle", 1)),
            fired=frozenset(stored.get("fired", ())),
            schedule=tuple((marker, _instant(at)) for marker, at in stored.get("schedule", ())),
        )


def _text(value: datetime | None) -> str | None:
    return None if value is None else instant(value)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _maybe(text: str | None) -> datetime | None:
    return None if text is None else _instant(text)


@dataclass(frozen=True, slots=True)
class Reading:
    """The clock read at one moment: due and warning times, what is breached."""

    clock: Clock
    policy: Policy | None
    paused: bool
    due: dict[str, datetime | None] = field(default_factory=dict)
    warn: dict[str, datetime | None] = field(default_factory=dict)
    breached: tuple[str, ...] = ()

    def timers(self) -> tuple[tuple[str, datetime], ...]:
        """The warnings and breaches still to fire, in time order."""
        pending = []
        for target in TARGETS:
            if self.clock.met_at(target) is not None:
                continue
            for kind, at in ((WARNING, self.warn.get(target)), (BREACH, self.due.get(target))):
                marker = self.clock.marker(target, kind)
                if at is not None and marker not in self.clock.fired:
                    pending.append((marker, at))
        return tuple(sorted(pending, key=lambda timer: (timer[1], timer[0])))

    def public(self) -> dict[str, Any] | None:
        """The ticket's `sla` object."""
        if self.policy is None:
            return None
        return {
            "policy_id": self.policy.id,
            "first_response_due_at": _text(self.due.get(FIRST_RESPONSE)),
            "first_responded_at": _text(self.clock.first_responded_at),
            "resolution_due_at": _text(self.due.get(RESOLUTION)),
            "resolved_at": _text(self.clock.resolved_at),
            "paused": self.paused,
            "breached": list(self.breached),
        }

    def next_due(self) -> datetime | None:
        running = [
            due
            for target, due in self.due.items()
            if due is not None and self.clock.met_at(target) is None
        ]
        return min(running, default=None)


def advance(
    clock: Clock, ticket: Mapping[str, Any], policy: Policy | None, moment: Moment
) -> Clock:
    """The clock after what happened at `moment`: a stop begins or ends with the status, a
    public reply is the first response, a resolution is recorded or (reopened) undone."""
    now, status = moment.at, ticket["status"]
    pause_statuses = policy.pause_statuses if policy else DEFAULT_PAUSE_STATUSES
    calendar = policy.calendar if policy else TWENTY_FOUR_SEVEN
    created = ticket["created_at"]
    stands = status in RESOLVED_STATUSES or status in pause_statuses
    if clock.stopped_since is not None and not stands:
        clock = replace(clock, stops=(*clock.stops, (clock.stopped_since, now)), stopped_since=None)
    elif clock.stopped_since is None and stands:
        clock = replace(clock, stopped_since=now)
    if moment.public_reply and clock.first_responded_at is None:
        minutes = calendar.minutes_between(created, now, clock.stops_until(now))
        clock = replace(clock, first_responded_at=now, first_response_minutes=round(minutes, 2))
    if status in RESOLVED_STATUSES and clock.resolved_at is None:
        minutes = calendar.minutes_between(created, now, clock.stops_until(now))
        clock = replace(clock, resolved_at=now, resolution_minutes=round(minutes, 2))
    elif status not in RESOLVED_STATUSES and clock.resolved_at is not None:
        clock = replace(clock, resolved_at=None, resolution_minutes=None, cycle=clock.cycle + 1)
    return clock


def read(clock: Clock, ticket: Mapping[str, Any], policy: Policy | None, now: datetime) -> Reading:
    """Due times, warnings and breaches of the clock under `policy`, as of `now`."""
    if policy is None:
        return Reading(clock, None, paused=False)
    due: dict[str, datetime | None] = {}
    warn: dict[str, datetime | None] = {}
    breached = []
    for target in TARGETS:
        minutes = policy.minutes(ticket["priority"], target)
        met_at = clock.met_at(target)
        if minutes is None:
            continue
        stops = clock.stops_until(met_at) if met_at is not None else clock.all_stops()
        due[target] = policy.calendar.reach(ticket["created_at"], minutes, stops)
        if met_at is None:
            warn[target] = policy.calendar.reach(
                ticket["created_at"], minutes * policy.warn_at, stops
            )
        if (when := due[target]) is not None and (
            when < met_at if met_at is not None else when <= now
        ):
            breached.append(target)
    paused = ticket["status"] in policy.pause_statuses
    return Reading(clock, policy, paused, due, warn, tuple(breached))


def derive(
    policies: tuple[Policy, ...], ticket: Mapping[str, Any], moment: Moment
) -> tuple[Derived, Reading | None]:
    """What the ticket's SLA becomes at `moment`: its columns and the timers to queue
    (replacing the queued ones when they moved). A tenant without policies pays nothing."""
    stored = ticket.get("sla_clock")
    if not policies and stored is None:
        return UNCHANGED, None
    policy = choose(policies, ticket)
    before = Clock.from_json(stored) if stored else Clock()
    clock = advance(before, ticket, policy, moment)
    reading = read(clock, ticket, policy, moment.at)
    timers = reading.timers()
    clock = replace(clock, schedule=timers)
    reading = replace(reading, clock=clock)
    fields = {
        "sla": reading.public(),
        "sla_clock": clock.to_json(),
        "sla_policy_id": policy.id if policy else None,
        "sla_due_at": reading.next_due(),
        "sla_breached": bool(reading.breached),
    }
    if timers == before.schedule:
        return Derived(fields), reading
    key = timer_key(ticket["id"])
    jobs = tuple(
        JobSpec(TIMER_JOB_KIND, key, {"ticket_id": str(ticket["id"]), "marker": marker}, at)
        for marker, at in timers
    )
    return Derived(fields, jobs, replaces=key), reading

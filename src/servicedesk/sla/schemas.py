"""Bodies of /api/v1/sla/policies and /api/v1/reports/sla."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from servicedesk.sla.calendar import WEEKDAYS, minute_of
from servicedesk.tickets.schemas import TicketPriority, TicketStatus
from servicedesk.validation import Category, Storable, storable_json

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# A policy may pause in these; resolved, ai_resolved and closed stop the clock anyway.
PAUSABLE = frozenset({TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.PENDING_AGENT})


def _pausable(statuses: list[TicketStatus]) -> list[TicketStatus]:
    stopping = [status.value for status in statuses if status not in PAUSABLE]
    if stopping:
        raise ValueError(
            f"{', '.join(stopping)} stop the clock already; pause in open, pending or pending_agent"
        )
    return statuses


# TicketStatus, not an enum of its own: clients compare it with a ticket's status.
PauseStatuses = Annotated[list[TicketStatus], AfterValidator(_pausable)]


class SlaReportGroupBy(StrEnum):
    POLICY = "policy"
    PRIORITY = "priority"
    GROUP = "group"


Name = Annotated[str, Field(min_length=1, max_length=100), Storable]
# A year of minutes: a target further off is no service level.
TargetMinutes = Annotated[int, Field(ge=1, le=525_600)]
Domain = Annotated[str, Field(min_length=1, max_length=253, pattern=r"^[^@\s]+$"), Storable]


def _storable_values(value: dict[str, list[Any]] | None) -> dict[str, list[Any]] | None:
    storable_json(value)
    return value


FieldValues = Annotated[dict[str, list[Any]] | None, AfterValidator(_storable_values)]

POLICY_EXAMPLE: dict[str, Any] = {
    "name": "Standard",
    "position": 1,
    "conditions": {"priority": ["urgent", "high"], "category": ["Network"]},
    "calendar": {
        "timezone": "Europe/Berlin",
        "hours": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]]},
        "holidays": ["2026-12-25"],
    },
    "targets": {"urgent": {"first_response_minutes": 30, "resolution_minutes": 240}},
    "pause_statuses": ["pending"],
    "warn_at": 0.75,
}


class CalendarIn(BaseModel):
    """Working hours in the calendar's time zone; holidays are local dates."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = Field(min_length=1, max_length=64, description="IANA, e.g. Europe/Berlin")
    hours: dict[Weekday, list[tuple[str, str]]] = Field(
        description='Per weekday, intervals ["HH:MM", "HH:MM"] in order; "24:00" ends a day'
    )
    holidays: list[date] = Field(default_factory=list, max_length=1000)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"{value!r} is not an IANA time zone") from None
        return value

    @field_validator("hours")
    @classmethod
    def _ordered_intervals(
        cls, value: dict[str, list[tuple[str, str]]]
    ) -> dict[str, list[tuple[str, str]]]:
        for day in WEEKDAYS:
            previous_close = -1
            for opens, closes in value.get(day, []):
                start, end = minute_of(opens), minute_of(closes)
                if start >= end:
                    raise ValueError(f"{day}: {opens}–{closes} does not end after it starts")
                if start < previous_close:
                    raise ValueError(f"{day}: intervals must be in order and not overlap")
                previous_close = end
        if not any(value.get(day) for day in WEEKDAYS):
            raise ValueError("a calendar needs working hours on at least one day")
        return value


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_response_minutes: TargetMinutes | None = Field(
        default=None, description="Business minutes to the first public reply"
    )
    resolution_minutes: TargetMinutes | None = Field(
        default=None, description="Business minutes to resolved, ai_resolved or closed"
    )


class Conditions(BaseModel):
    """Each condition given must match (any of its values); none given: every ticket."""

    model_config = ConfigDict(extra="forbid")

    priority: list[TicketPriority] | None = None
    category: list[Category] | None = None
    group_id: list[uuid.UUID] | None = None
    requester_domain: list[Domain] | None = Field(
        default=None, description="The requester's e-mail domain, e.g. example.com"
    )
    custom_fields: FieldValues = Field(
        default=None, description="A custom field's value is one of these"
    )

    @field_validator("requester_domain")
    @classmethod
    def _lower(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [domain.lower() for domain in value]


Calendar = Literal["24x7"] | CalendarIn


def _default_pause() -> list[TicketStatus]:
    return [TicketStatus.PENDING]


class PolicyFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    position: int = Field(ge=0, le=1_000_000, description="Lower first; the first match applies")
    conditions: Conditions = Field(default_factory=Conditions)
    calendar: Calendar = Field(default="24x7", description='"24x7" or working hours')
    targets: dict[TicketPriority, Target] = Field(description="Targets per priority")
    pause_statuses: PauseStatuses = Field(
        default_factory=_default_pause,
        description="The clock stands in these: open, pending or pending_agent",
    )
    warn_at: float = Field(
        default=0.75, gt=0, lt=1, description="ticket.sla_warning at this share of a target"
    )


class PolicyCreate(PolicyFields):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [POLICY_EXAMPLE]})

    position: int = Field(
        default=None,  # type: ignore[assignment]
        ge=0,
        le=1_000_000,
        description="Lower first; the first match applies (default: after the last)",
    )


class PolicyUpdate(BaseModel):
    """Any subset of a policy's fields; none of them may be null."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    position: int | None = Field(default=None, ge=0, le=1_000_000)
    conditions: Conditions | None = None
    calendar: Calendar | None = None
    targets: dict[TicketPriority, Target] | None = None
    pause_statuses: PauseStatuses | None = None
    warn_at: float | None = Field(default=None, gt=0, lt=1)

    @model_validator(mode="after")
    def _no_nulls(self) -> PolicyUpdate:
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} may not be null")
        return self


class PolicyOut(PolicyFields):
    model_config = ConfigDict(
        json_schema_serialization_defaults_required=True, from_attributes=True
    )

    id: str
    created_at: datetime
    updated_at: datetime


class PolicyList(BaseModel):
    policies: list[PolicyOut]


class Durations(BaseModel):
    median: float | None = Field(description="Business minutes")
    p90: float | None = Field(description="Business minutes")


class ReportGroup(BaseModel):
    key: str | None = Field(description="The policy id, priority or group id (null: none)")
    tickets: int
    met: int = Field(description="Every target met in time")
    breached: int = Field(description="At least one target missed")
    open_at_risk: int = Field(description="Not breached, a target still open past its warning")
    first_response_minutes: Durations
    resolution_minutes: Durations


class SlaReport(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    start: datetime = Field(alias="from")
    end: datetime = Field(alias="to")
    group_by: SlaReportGroupBy
    groups: list[ReportGroup]

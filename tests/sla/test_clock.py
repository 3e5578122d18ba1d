"""The clock a ticket carries, step by step: pauses, reopens, a priority or category
change that moves the due times (from the ticket's history, not reset), replies, the
timers queued and replaced."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from servicedesk.sla import clock
from servicedesk.sla.calendar import TWENTY_FOUR_SEVEN, calendar_of
from servicedesk.sla.clock import Policy
from servicedesk.tickets.derived import Moment

T0 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)  # a Monday
TICKET_ID = uuid.UUID(int=42)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def policy(
    policy_id: str = "sla_a",
    conditions: dict[str, Any] | None = None,
    targets: dict[str, dict[str, int | None]] | None = None,
    calendar: Any = TWENTY_FOUR_SEVEN,
    warn_at: float = 0.75,
) -> Policy:
    return Policy(
        id=policy_id,
        position=1,
        conditions=conditions or {},
        calendar=calendar,
        targets=targets
        or {
            "urgent": {"first_response_minutes": 30, "resolution_minutes": 240},
            "high": {"first_response_minutes": 60, "resolution_minutes": 480},
        },
        pause_statuses=frozenset({"pending"}),
        warn_at=warn_at,
    )


class Ticket:
    """A ticket's columns, changed as the service would, the SLA derived each time."""

    def __init__(self, policies: tuple[Policy, ...], **columns: Any) -> None:
        self.policies = policies
        self.columns: dict[str, Any] = {
            "id": TICKET_ID,
            "status": "open",
            "priority": "urgent",
            "category": None,
            "group_id": None,
            "requester_email": "ann@example.com",
            "custom_fields": {},
            "created_at": T0,
            "sla_clock": None,
            **columns,
        }
        self.jobs: list[tuple[str, datetime]] = []
        self.change(0)

    def change(self, minutes: float, *, public_reply: bool = False, **fields: Any) -> None:
        self.columns.update(fields)
        derived, _ = clock.derive(
            self.policies, self.columns, Moment(at(minutes), public_reply=public_reply)
        )
        self.columns.update(derived.fields)
        if derived.replaces is not None or derived.jobs:
            self.jobs = [(job.payload["marker"], job.run_after) for job in derived.jobs]  # type: ignore[misc]

    @property
    def sla(self) -> dict[str, Any]:
        sla: dict[str, Any] = self.columns["sla"]
        return sla


def iso(minutes: float) -> str:
    return at(minutes).isoformat().replace("+00:00", "Z")


def test_a_new_ticket_gets_due_times_and_timers() -> None:
    ticket = Ticket((policy(),))

    assert ticket.sla == {
        "policy_id": "sla_a",
        "first_response_due_at": iso(30),
        "first_responded_at": None,
        "resolution_due_at": iso(240),
        "resolved_at": None,
        "paused": False,
        "breached": [],
    }
    assert ticket.columns["sla_due_at"] == at(30)
    assert ticket.jobs == [
        ("first_response:warning:1", at(22.5)),
        ("first_response:breach:1", at(30)),
        ("resolution:warning:1", at(180)),
        ("resolution:breach:1", at(240)),
    ]


def test_a_pause_holds_the_clock_and_it_resumes_where_it_stopped() -> None:
    ticket = Ticket((policy(),))
    ticket.change(10, public_reply=True)
    ticket.change(60, status="pending")  # 60 of 240 minutes used

    assert ticket.sla["paused"] is True
    assert ticket.sla["resolution_due_at"] is None
    assert ticket.columns["sla_due_at"] is None
    assert ticket.jobs == []

    ticket.change(180, status="open")  # two hours paused: 180 minutes remain
    assert ticket.sla["paused"] is False
    assert ticket.sla["resolution_due_at"] == iso(360)
    assert ticket.jobs == [("resolution:warning:1", at(300)), ("resolution:breach:1", at(360))]


def test_a_reopened_ticket_resumes_its_resolution_clock_in_a_new_cycle() -> None:
    ticket = Ticket((policy(),))
    ticket.change(5, public_reply=True)
    ticket.change(120, status="resolved")

    assert ticket.sla["resolved_at"] == iso(120)
    assert ticket.sla["resolution_due_at"] == iso(240)
    assert ticket.sla["breached"] == []
    assert ticket.jobs == []

    ticket.change(300, status="open")  # 120 minutes used, 120 remain from now
    assert ticket.sla["resolved_at"] is None
    assert ticket.sla["resolution_due_at"] == iso(420)
    assert ticket.jobs == [("resolution:warning:2", at(360)), ("resolution:breach:2", at(420))]
    assert ticket.columns["sla_clock"]["resolution_minutes"] is None


def test_a_priority_change_moves_the_due_time_from_creation() -> None:
    ticket = Ticket((policy(),), priority="high")
    assert ticket.sla["resolution_due_at"] == iso(480)

    ticket.change(60, priority="urgent")
    assert ticket.sla["resolution_due_at"] == iso(240)  # not 60 + 240
    assert ticket.sla["first_response_due_at"] == iso(30)
    assert ticket.sla["breached"] == ["first_response"]  # 30 minutes have passed


def test_a_category_change_chooses_another_policy() -> None:
    network = policy("sla_network", conditions={"category": ["Network"]})
    fallback = policy(
        "sla_fallback",
        targets={"urgent": {"first_response_minutes": None, "resolution_minutes": 600}},
    )
    ticket = Ticket((network, fallback))
    assert ticket.sla["policy_id"] == "sla_fallback"
    assert ticket.sla["first_response_due_at"] is None
    assert ticket.sla["resolution_due_at"] == iso(600)

    ticket.change(20, category="Network")
    assert ticket.sla["policy_id"] == "sla_network"
    assert ticket.sla["resolution_due_at"] == iso(240)
    assert ticket.columns["sla_policy_id"] == "sla_network"


def test_no_matching_policy_means_no_sla() -> None:
    only_network = policy(conditions={"category": ["Network"]})
    ticket = Ticket((only_network,))
    assert ticket.columns["sla"] is None
    assert ticket.columns["sla_due_at"] is None
    assert ticket.jobs == []


def test_a_priority_without_target_has_no_due_time() -> None:
    ticket = Ticket((policy(),), priority="low")
    assert ticket.sla["first_response_due_at"] is None
    assert ticket.sla["resolution_due_at"] is None
    ticket.change(1, priority=None)
    assert ticket.sla["resolution_due_at"] is None


def test_only_a_public_reply_is_a_first_response() -> None:
    ticket = Ticket((policy(),))
    ticket.change(10)  # a private note, a field change
    assert ticket.sla["first_responded_at"] is None

    ticket.change(40, public_reply=True)  # ten minutes late
    assert ticket.sla["first_responded_at"] == iso(40)
    assert ticket.sla["breached"] == ["first_response"]
    assert ticket.columns["sla_breached"] is True
    assert ticket.columns["sla_clock"]["first_response_minutes"] == 40
    assert ticket.columns["sla_due_at"] == at(240)  # the resolution's, still running

    ticket.change(50, public_reply=True)
    assert ticket.sla["first_responded_at"] == iso(40)


def test_business_hours_count_only_working_minutes() -> None:
    berlin = calendar_of(
        {
            "timezone": "Europe/Berlin",
            "hours": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        }
    )
    # Created Mon 2026-03-09 15:00 UTC (16:00 CET): a 240-minute target ends Tue 12:00 CET.
    ticket = Ticket((policy(calendar=berlin),), created_at=at(300))
    assert ticket.sla["resolution_due_at"] == "2026-03-10T11:00:00Z"


def test_unchanged_timers_are_not_queued_again() -> None:
    ticket = Ticket((policy(),))
    first = ticket.jobs
    derived, _ = clock.derive(ticket.policies, ticket.columns, Moment(at(1)))
    assert derived.jobs == ()
    assert derived.replaces is None
    assert ticket.jobs == first


def test_a_tenant_without_policies_pays_nothing() -> None:
    derived, reading = clock.derive((), {"sla_clock": None}, Moment(T0))
    assert derived.fields == {}
    assert reading is None


def test_every_kind_of_condition() -> None:
    group = uuid.UUID(int=7)
    chosen = policy(
        "sla_vip",
        conditions={
            "requester_domain": ["vip.example"],
            "group_id": [str(group)],
            "custom_fields": {"tier": ["gold"], "tags": ["exec"]},
        },
    )
    matching = {
        "requester_email": "Boss@VIP.example".lower(),
        "group_id": group,
        "custom_fields": {"tier": "gold", "tags": ["exec", "travel"]},
    }
    assert Ticket((chosen,), **matching).sla["policy_id"] == "sla_vip"
    for miss in (
        {"requester_email": "boss@example.com"},
        {"requester_email": None},
        {"group_id": None},
        {"custom_fields": {"tier": "gold", "tags": ["travel"]}},
        {"custom_fields": {"tags": ["exec"]}},
    ):
        assert Ticket((chosen,), **{**matching, **miss}).columns["sla"] is None, miss

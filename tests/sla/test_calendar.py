"""Business-minute arithmetic on hand-checked cases: weekends, holidays, split days,
daylight-saving changes in Europe/Berlin and America/New_York, stops."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from servicedesk.sla.calendar import TWENTY_FOUR_SEVEN, calendar_of, minute_of

WEEKDAYS_9_TO_5 = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
EVERY_DAY = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def office(timezone: str, hours: dict[str, list[list[str]]] | None = None, holidays=()):  # type: ignore[no-untyped-def]
    return calendar_of(
        {"timezone": timezone, "hours": hours or WEEKDAYS_9_TO_5, "holidays": list(holidays)}
    )


def test_a_target_runs_over_the_weekend_to_monday() -> None:
    # Fri 2026-03-06 16:00 in Berlin (CET, UTC+1): one hour on Friday, one on Monday.
    berlin = office("Europe/Berlin")
    assert berlin.reach(utc(2026, 3, 6, 15, 0), 120) == utc(2026, 3, 9, 9, 0)  # Mon 10:00 CET


def test_a_holiday_is_skipped() -> None:
    # Thu 2026-12-24 16:30 CET; Friday the 25th is a holiday, then the weekend.
    berlin = office("Europe/Berlin", holidays=["2026-12-25"])
    assert berlin.reach(utc(2026, 12, 24, 15, 30), 60) == utc(2026, 12, 28, 8, 30)  # 09:30 CET
    assert office("Europe/Berlin").reach(utc(2026, 12, 24, 15, 30), 60) == utc(2026, 12, 25, 8, 30)


def test_berlin_spring_forward_between_friday_and_monday() -> None:
    # Fri 2026-03-27 16:00 CET; Monday 09:00 is CEST (UTC+2) after Sunday's change.
    berlin = office("Europe/Berlin")
    assert berlin.reach(utc(2026, 3, 27, 15, 0), 120) == utc(2026, 3, 30, 8, 0)  # 10:00 CEST


def test_berlin_days_of_the_changes_have_23_and_25_hours() -> None:
    berlin = office("Europe/Berlin", EVERY_DAY)
    # Sun 2026-03-29 00:00 CET is Sat 23:00 UTC; Mon 00:00 CEST is Sun 22:00 UTC.
    assert berlin.minutes_between(utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 22, 0)) == 23 * 60
    # Sun 2026-10-25 00:00 CEST is Sat 22:00 UTC; Mon 00:00 CET is Sun 23:00 UTC.
    assert berlin.minutes_between(utc(2026, 10, 24, 22, 0), utc(2026, 10, 25, 23, 0)) == 25 * 60
    # A day's worth of minutes from Sunday's midnight ends at 01:00 CEST on Monday.
    assert berlin.reach(utc(2026, 3, 28, 23, 0), 24 * 60) == utc(2026, 3, 29, 23, 0)


def test_new_york_fall_back_between_friday_and_monday() -> None:
    # Fri 2026-10-30 16:00 EDT (UTC-4); Monday 09:00 is EST (UTC-5).
    new_york = office("America/New_York")
    assert new_york.reach(utc(2026, 10, 30, 20, 0), 120) == utc(2026, 11, 2, 15, 0)  # 10:00 EST


def test_new_york_spring_forward_skips_the_missing_hour() -> None:
    # Sat 2026-03-07 23:00 EST; at 02:00 on Sunday the clocks jump to 03:00 EDT: three
    # hours of work end at 03:00 EDT, 07:00 UTC.
    new_york = office("America/New_York", EVERY_DAY)
    assert new_york.reach(utc(2026, 3, 8, 4, 0), 180) == utc(2026, 3, 8, 7, 0)
    assert new_york.minutes_between(utc(2026, 3, 8, 5, 0), utc(2026, 3, 9, 4, 0)) == 23 * 60


def test_a_ticket_raised_at_the_weekend_starts_counting_on_monday() -> None:
    berlin = office("Europe/Berlin")
    # Sat 2026-03-07 12:00 UTC: nothing counts until Mon 09:00 CET (08:00 UTC).
    assert berlin.reach(utc(2026, 3, 7, 12, 0), 30) == utc(2026, 3, 9, 8, 30)
    assert berlin.minutes_between(utc(2026, 3, 7, 12, 0), utc(2026, 3, 9, 8, 30)) == 30


def test_a_day_of_two_intervals_skips_lunch() -> None:
    hours = {"mon": [["09:00", "12:00"], ["13:00", "17:00"]]}
    berlin = office("Europe/Berlin", hours)
    # Mon 2026-03-09 11:30 CET (10:30 UTC): 30 minutes before lunch, 30 after.
    assert berlin.reach(utc(2026, 3, 9, 10, 30), 60) == utc(2026, 3, 9, 12, 30)  # 13:30 CET


def test_stops_hold_the_clock_and_an_open_stop_holds_it_for_good() -> None:
    start = utc(2026, 3, 9, 10, 0)
    paused = [(utc(2026, 3, 9, 11, 0), utc(2026, 3, 9, 13, 0))]
    assert TWENTY_FOUR_SEVEN.reach(start, 240, paused) == utc(2026, 3, 9, 16, 0)
    assert TWENTY_FOUR_SEVEN.minutes_between(start, utc(2026, 3, 9, 16, 0), paused) == 240
    still_paused = [(utc(2026, 3, 9, 11, 0), None)]
    assert TWENTY_FOUR_SEVEN.reach(start, 240, still_paused) is None
    assert TWENTY_FOUR_SEVEN.reach(start, 30, still_paused) == utc(2026, 3, 9, 10, 30)


def test_stops_outside_working_hours_cost_nothing() -> None:
    berlin = office("Europe/Berlin")
    night = [(utc(2026, 3, 9, 20, 0), utc(2026, 3, 10, 6, 0))]
    # Mon 16:00 CET + 120: one hour Monday, one Tuesday, the night's pause changes nothing.
    assert berlin.reach(utc(2026, 3, 9, 15, 0), 120, night) == utc(2026, 3, 10, 9, 0)


@pytest.mark.parametrize("text", ["9:00", "24:01", "12:60", "ab:cd", "", "12:00:00"])
def test_times_of_day_are_strict(text: str) -> None:
    with pytest.raises(ValueError, match="time of day"):
        minute_of(text)

"""Business calendars, and business minutes counted over them.

A calendar is a time zone (IANA), the hours worked on each weekday (one or more
intervals a day, local time) and holidays (local dates); `TWENTY_FOUR_SEVEN` counts every
minute. Working intervals are built per local day and converted to UTC one by one, so a
day that a daylight-saving change shortens or lengthens counts the hours it really has.

The clock of a target runs over working time, except while it is stopped: `Stops` are UTC
intervals (the last one may be open: stopped until further notice).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_A_DAY = 24 * 60
# Walking further than this without reaching a target means it is never reached (a
# calendar with hardly any hours): no due time, rather than an endless walk.
MAX_DAYS = 5 * 366

# (start, end) in UTC; `end` None: stopped from `start` on.
Stop = tuple[datetime, datetime | None]
Stops = Sequence[Stop]
# Minutes of the local day, [open, close): 540–1020 is 09:00–17:00; 1440 closes at midnight.
Interval = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Calendar:
    timezone: str
    # Seven entries, Monday first: the intervals worked that day, in order.
    hours: tuple[tuple[Interval, ...], ...]
    holidays: frozenset[date] = frozenset()
    always: bool = False

    def working_time(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals in UTC, in order, from the local day of `start` on (the first
        may begin before `start`)."""
        if self.always:
            yield start, start + timedelta(days=MAX_DAYS)
            return
        zone = _zone(self.timezone)
        day = start.astimezone(zone).date()
        for _ in range(MAX_DAYS):
            if day not in self.holidays:
                for opens, closes in self.hours[day.weekday()]:
                    yield _utc(day, opens, zone), _utc(day, closes, zone)
            day += timedelta(days=1)

    def reach(self, start: datetime, minutes: float, stops: Stops = ()) -> datetime | None:
        """The instant at which `minutes` of working time have run since `start`, not
        counting `stops`; None when the clock stops for good first (an open stop), or
        the target lies beyond MAX_DAYS."""
        remaining = timedelta(minutes=minutes)
        for opens, closes in self.working_time(start):
            for begin, end in _running(max(opens, start), closes, stops):
                if end - begin >= remaining:
                    return begin + remaining
                remaining -= end - begin
            if _stopped_for_good(closes, stops):
                return None
        return None

    def minutes_between(self, start: datetime, end: datetime, stops: Stops = ()) -> float:
        """Working minutes in [start, end), not counting `stops`."""
        total = timedelta()
        for opens, closes in self.working_time(start):
            if opens >= end:
                break
            for begin, finish in _running(max(opens, start), min(closes, end), stops):
                total += finish - begin
        return total.total_seconds() / 60


def _running(begin: datetime, end: datetime, stops: Stops) -> Iterator[tuple[datetime, datetime]]:
    """The parts of [begin, end) outside every stop."""
    cursor = begin
    for stop_start, stop_end in stops:
        if cursor >= end:
            return
        if stop_end is not None and stop_end <= cursor:
            continue
        if stop_start >= end:
            break
        if stop_start > cursor:
            yield cursor, stop_start
        if stop_end is None:
            return
        cursor = max(cursor, stop_end)
    if cursor < end:
        yield cursor, end


def _stopped_for_good(before: datetime, stops: Stops) -> bool:
    return any(end is None and start <= before for start, end in stops)


def _utc(day: date, minute: int, zone: ZoneInfo) -> datetime:
    if minute >= MINUTES_A_DAY:
        day, minute = day + timedelta(days=1), minute - MINUTES_A_DAY
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    return local.astimezone(UTC)


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


TWENTY_FOUR_SEVEN = Calendar("UTC", ((),) * 7, always=True)


def minute_of(clock: str) -> int:
    """ "09:30" → 570; "24:00" closes at midnight. ValueError for anything else."""
    hours, _, minutes = clock.partition(":")
    if len(clock) != 5 or not (hours.isdigit() and minutes.isdigit()):
        raise ValueError(f"{clock!r} is not a time of day (HH:MM)")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > MINUTES_A_DAY:
        raise ValueError(f"{clock!r} is not a time of day (HH:MM)")
    return value


def calendar_of(document: str | dict[str, object]) -> Calendar:
    """A calendar from its stored form (`"24x7"` or the checked object of a policy)."""
    if document == "24x7" or not isinstance(document, dict):
        return TWENTY_FOUR_SEVEN
    hours = document.get("hours")
    assert isinstance(hours, dict)
    days = tuple(
        tuple((minute_of(opens), minute_of(closes)) for opens, closes in hours.get(name, []))
        for name in WEEKDAYS
    )
    holidays = document.get("holidays") or []
    assert isinstance(holidays, list)
    return Calendar(
        str(document["timezone"]),
        days,
        frozenset(date.fromisoformat(str(day)) for day in holidays),
    )

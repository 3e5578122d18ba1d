from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.calendar_in_hours import CalendarInHours


T = TypeVar("T", bound="CalendarIn")


@_attrs_define
class CalendarIn:
    """Working hours in the calendar's time zone; holidays are local dates.

    Attributes:
        timezone (str): IANA, e.g. Europe/Berlin
        hours (CalendarInHours): Per weekday, intervals ["HH:MM", "HH:MM"] in order; "24:00" ends a day
        holidays (list[datetime.date] | Unset):
    """

    timezone: str
    hours: CalendarInHours
    holidays: list[datetime.date] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        timezone = self.timezone

        hours = self.hours.to_dict()

        holidays: list[str] | Unset = UNSET
        if not isinstance(self.holidays, Unset):
            holidays = []
            for holidays_item_data in self.holidays:
                holidays_item = holidays_item_data.isoformat()
                holidays.append(holidays_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "timezone": timezone,
                "hours": hours,
            }
        )
        if holidays is not UNSET:
            field_dict["holidays"] = holidays

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.calendar_in_hours import CalendarInHours  # noqa: PLC0415

        d = dict(src_dict)
        timezone = d.pop("timezone")

        hours = CalendarInHours.from_dict(d.pop("hours"))

        _holidays = d.pop("holidays", UNSET)
        holidays: list[datetime.date] | Unset = UNSET
        if _holidays is not UNSET:
            holidays = []
            for holidays_item_data in _holidays:
                holidays_item = datetime.date.fromisoformat(holidays_item_data)

                holidays.append(holidays_item)

        calendar_in = cls(
            timezone=timezone,
            hours=hours,
            holidays=holidays,
        )

        return calendar_in

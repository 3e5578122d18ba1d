from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

from ..models.ticket_status import TicketStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.calendar_in import CalendarIn
    from ..models.conditions import Conditions
    from ..models.policy_create_targets import PolicyCreateTargets


T = TypeVar("T", bound="PolicyCreate")


@_attrs_define
class PolicyCreate:
    """
    Attributes:
        name (str):
        targets (PolicyCreateTargets): Targets per priority
        position (int | Unset): Lower first; the first match applies (default: after the last)
        conditions (Conditions | Unset): Each condition given must match (any of its values); none given: every ticket.
        calendar (CalendarIn | Literal['24x7'] | Unset): "24x7" or working hours Default: '24x7'.
        pause_statuses (list[TicketStatus] | Unset): The clock stands in these: open, pending or pending_agent
        warn_at (float | Unset): ticket.sla_warning at this share of a target Default: 0.75.
    """

    name: str
    targets: PolicyCreateTargets
    position: int | Unset = UNSET
    conditions: Conditions | Unset = UNSET
    calendar: CalendarIn | Literal["24x7"] | Unset = "24x7"
    pause_statuses: list[TicketStatus] | Unset = UNSET
    warn_at: float | Unset = 0.75

    def to_dict(self) -> dict[str, Any]:
        from ..models.calendar_in import CalendarIn  # noqa: PLC0415

        name = self.name

        targets = self.targets.to_dict()

        position = self.position

        conditions: dict[str, Any] | Unset = UNSET
        if not isinstance(self.conditions, Unset):
            conditions = self.conditions.to_dict()

        calendar: dict[str, Any] | Literal["24x7"] | Unset
        if isinstance(self.calendar, Unset):
            calendar = UNSET
        elif isinstance(self.calendar, CalendarIn):
            calendar = self.calendar.to_dict()
        else:
            calendar = self.calendar

        pause_statuses: list[str] | Unset = UNSET
        if not isinstance(self.pause_statuses, Unset):
            pause_statuses = []
            for pause_statuses_item_data in self.pause_statuses:
                pause_statuses_item = pause_statuses_item_data.value
                pause_statuses.append(pause_statuses_item)

        warn_at = self.warn_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "targets": targets,
            }
        )
        if position is not UNSET:
            field_dict["position"] = position
        if conditions is not UNSET:
            field_dict["conditions"] = conditions
        if calendar is not UNSET:
            field_dict["calendar"] = calendar
        if pause_statuses is not UNSET:
            field_dict["pause_statuses"] = pause_statuses
        if warn_at is not UNSET:
            field_dict["warn_at"] = warn_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.calendar_in import CalendarIn  # noqa: PLC0415
        from ..models.conditions import Conditions  # noqa: PLC0415
        from ..models.policy_create_targets import PolicyCreateTargets  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        targets = PolicyCreateTargets.from_dict(d.pop("targets"))

        position = d.pop("position", UNSET)

        _conditions = d.pop("conditions", UNSET)
        conditions: Conditions | Unset
        if isinstance(_conditions, Unset):
            conditions = UNSET
        else:
            conditions = Conditions.from_dict(_conditions)

        def _parse_calendar(data: object) -> CalendarIn | Literal["24x7"] | Unset:
            if isinstance(data, Unset):
                return data
            calendar_type_0 = cast(Literal["24x7"], data)
            if calendar_type_0 != "24x7":
                raise ValueError(
                    f"calendar_type_0 must match const '24x7', got '{calendar_type_0}'"
                )
            return calendar_type_0
            if not isinstance(data, dict):
                raise TypeError()
            calendar_type_1 = CalendarIn.from_dict(data)

            return calendar_type_1

        calendar = _parse_calendar(d.pop("calendar", UNSET))

        _pause_statuses = d.pop("pause_statuses", UNSET)
        pause_statuses: list[TicketStatus] | Unset = UNSET
        if _pause_statuses is not UNSET:
            pause_statuses = []
            for pause_statuses_item_data in _pause_statuses:
                pause_statuses_item = TicketStatus(pause_statuses_item_data)

                pause_statuses.append(pause_statuses_item)

        warn_at = d.pop("warn_at", UNSET)

        policy_create = cls(
            name=name,
            targets=targets,
            position=position,
            conditions=conditions,
            calendar=calendar,
            pause_statuses=pause_statuses,
            warn_at=warn_at,
        )

        return policy_create

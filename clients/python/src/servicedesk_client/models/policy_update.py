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
    from ..models.policy_update_targets_type_0 import PolicyUpdateTargetsType0


T = TypeVar("T", bound="PolicyUpdate")


@_attrs_define
class PolicyUpdate:
    """Any subset of a policy's fields; none of them may be null.

    Attributes:
        name (None | str | Unset):
        position (int | None | Unset):
        conditions (Conditions | None | Unset):
        calendar (CalendarIn | Literal['24x7'] | None | Unset):
        targets (None | PolicyUpdateTargetsType0 | Unset):
        pause_statuses (list[TicketStatus] | None | Unset):
        warn_at (float | None | Unset):
    """

    name: None | str | Unset = UNSET
    position: int | None | Unset = UNSET
    conditions: Conditions | None | Unset = UNSET
    calendar: CalendarIn | Literal["24x7"] | None | Unset = UNSET
    targets: None | PolicyUpdateTargetsType0 | Unset = UNSET
    pause_statuses: list[TicketStatus] | None | Unset = UNSET
    warn_at: float | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.calendar_in import CalendarIn  # noqa: PLC0415
        from ..models.conditions import Conditions  # noqa: PLC0415
        from ..models.policy_update_targets_type_0 import PolicyUpdateTargetsType0  # noqa: PLC0415

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        position: int | None | Unset
        if isinstance(self.position, Unset):
            position = UNSET
        else:
            position = self.position

        conditions: dict[str, Any] | None | Unset
        if isinstance(self.conditions, Unset):
            conditions = UNSET
        elif isinstance(self.conditions, Conditions):
            conditions = self.conditions.to_dict()
        else:
            conditions = self.conditions

        calendar: dict[str, Any] | Literal["24x7"] | None | Unset
        if isinstance(self.calendar, Unset):
            calendar = UNSET
        elif isinstance(self.calendar, CalendarIn):
            calendar = self.calendar.to_dict()
        else:
            calendar = self.calendar

        targets: dict[str, Any] | None | Unset
        if isinstance(self.targets, Unset):
            targets = UNSET
        elif isinstance(self.targets, PolicyUpdateTargetsType0):
            targets = self.targets.to_dict()
        else:
            targets = self.targets

        pause_statuses: list[str] | None | Unset
        if isinstance(self.pause_statuses, Unset):
            pause_statuses = UNSET
        elif isinstance(self.pause_statuses, list):
            pause_statuses = []
            for pause_statuses_type_0_item_data in self.pause_statuses:
                pause_statuses_type_0_item = pause_statuses_type_0_item_data.value
                pause_statuses.append(pause_statuses_type_0_item)

        else:
            pause_statuses = self.pause_statuses

        warn_at: float | None | Unset
        if isinstance(self.warn_at, Unset):
            warn_at = UNSET
        else:
            warn_at = self.warn_at

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if position is not UNSET:
            field_dict["position"] = position
        if conditions is not UNSET:
            field_dict["conditions"] = conditions
        if calendar is not UNSET:
            field_dict["calendar"] = calendar
        if targets is not UNSET:
            field_dict["targets"] = targets
        if pause_statuses is not UNSET:
            field_dict["pause_statuses"] = pause_statuses
        if warn_at is not UNSET:
            field_dict["warn_at"] = warn_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.calendar_in import CalendarIn  # noqa: PLC0415
        from ..models.conditions import Conditions  # noqa: PLC0415
        from ..models.policy_update_targets_type_0 import PolicyUpdateTargetsType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_position(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        position = _parse_position(d.pop("position", UNSET))

        def _parse_conditions(data: object) -> Conditions | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                conditions_type_0 = Conditions.from_dict(data)

                return conditions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Conditions | None | Unset, data)

        conditions = _parse_conditions(d.pop("conditions", UNSET))

        def _parse_calendar(data: object) -> CalendarIn | Literal["24x7"] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            calendar_type_0 = cast(Literal["24x7"], data)
            if calendar_type_0 != "24x7":
                raise ValueError(
                    f"calendar_type_0 must match const '24x7', got '{calendar_type_0}'"
                )
            return calendar_type_0
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                calendar_type_1 = CalendarIn.from_dict(data)

                return calendar_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CalendarIn | Literal["24x7"] | None | Unset, data)

        calendar = _parse_calendar(d.pop("calendar", UNSET))

        def _parse_targets(data: object) -> None | PolicyUpdateTargetsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                targets_type_0 = PolicyUpdateTargetsType0.from_dict(data)

                return targets_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PolicyUpdateTargetsType0 | Unset, data)

        targets = _parse_targets(d.pop("targets", UNSET))

        def _parse_pause_statuses(data: object) -> list[TicketStatus] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                pause_statuses_type_0 = []
                _pause_statuses_type_0 = data
                for pause_statuses_type_0_item_data in _pause_statuses_type_0:
                    pause_statuses_type_0_item = TicketStatus(pause_statuses_type_0_item_data)

                    pause_statuses_type_0.append(pause_statuses_type_0_item)

                return pause_statuses_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[TicketStatus] | None | Unset, data)

        pause_statuses = _parse_pause_statuses(d.pop("pause_statuses", UNSET))

        def _parse_warn_at(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        warn_at = _parse_warn_at(d.pop("warn_at", UNSET))

        policy_update = cls(
            name=name,
            position=position,
            conditions=conditions,
            calendar=calendar,
            targets=targets,
            pause_statuses=pause_statuses,
            warn_at=warn_at,
        )

        return policy_update

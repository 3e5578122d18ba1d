from __future__ import annotations

import datetime
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

if TYPE_CHECKING:
    from ..models.calendar_in import CalendarIn
    from ..models.conditions import Conditions
    from ..models.policy_out_targets import PolicyOutTargets


T = TypeVar("T", bound="PolicyOut")


@_attrs_define
class PolicyOut:
    """
    Attributes:
        name (str):
        position (int): Lower first; the first match applies
        conditions (Conditions): Each condition given must match (any of its values); none given: every ticket.
        calendar (CalendarIn | Literal['24x7']): "24x7" or working hours Default: '24x7'.
        targets (PolicyOutTargets): Targets per priority
        pause_statuses (list[TicketStatus]): The clock stands in these: open, pending or pending_agent
        warn_at (float): ticket.sla_warning at this share of a target Default: 0.75.
        id (str):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    name: str
    position: int
    conditions: Conditions
    targets: PolicyOutTargets
    pause_statuses: list[TicketStatus]
    id: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    calendar: CalendarIn | Literal["24x7"] = "24x7"
    warn_at: float = 0.75

    def to_dict(self) -> dict[str, Any]:
        from ..models.calendar_in import CalendarIn  # noqa: PLC0415

        name = self.name

        position = self.position

        conditions = self.conditions.to_dict()

        calendar: dict[str, Any] | Literal["24x7"]
        if isinstance(self.calendar, CalendarIn):
            calendar = self.calendar.to_dict()
        else:
            calendar = self.calendar

        targets = self.targets.to_dict()

        pause_statuses = []
        for pause_statuses_item_data in self.pause_statuses:
            pause_statuses_item = pause_statuses_item_data.value
            pause_statuses.append(pause_statuses_item)

        warn_at = self.warn_at

        id = self.id

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "position": position,
                "conditions": conditions,
                "calendar": calendar,
                "targets": targets,
                "pause_statuses": pause_statuses,
                "warn_at": warn_at,
                "id": id,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.calendar_in import CalendarIn  # noqa: PLC0415
        from ..models.conditions import Conditions  # noqa: PLC0415
        from ..models.policy_out_targets import PolicyOutTargets  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        position = d.pop("position")

        conditions = Conditions.from_dict(d.pop("conditions"))

        def _parse_calendar(data: object) -> CalendarIn | Literal["24x7"]:
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

        calendar = _parse_calendar(d.pop("calendar"))

        targets = PolicyOutTargets.from_dict(d.pop("targets"))

        pause_statuses = []
        _pause_statuses = d.pop("pause_statuses")
        for pause_statuses_item_data in _pause_statuses:
            pause_statuses_item = TicketStatus(pause_statuses_item_data)

            pause_statuses.append(pause_statuses_item)

        warn_at = d.pop("warn_at")

        id = d.pop("id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        policy_out = cls(
            name=name,
            position=position,
            conditions=conditions,
            calendar=calendar,
            targets=targets,
            pause_statuses=pause_statuses,
            warn_at=warn_at,
            id=id,
            created_at=created_at,
            updated_at=updated_at,
        )

        return policy_out

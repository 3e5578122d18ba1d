from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.durations import Durations


T = TypeVar("T", bound="ReportGroup")


@_attrs_define
class ReportGroup:
    """
    Attributes:
        key (None | str): The policy id, priority or group id (null: none)
        tickets (int):
        met (int): Every target met in time
        breached (int): At least one target missed
        open_at_risk (int): Not breached, a target still open past its warning
        first_response_minutes (Durations):
        resolution_minutes (Durations):
    """

    key: None | str
    tickets: int
    met: int
    breached: int
    open_at_risk: int
    first_response_minutes: Durations
    resolution_minutes: Durations
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key: None | str
        key = self.key

        tickets = self.tickets

        met = self.met

        breached = self.breached

        open_at_risk = self.open_at_risk

        first_response_minutes = self.first_response_minutes.to_dict()

        resolution_minutes = self.resolution_minutes.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "tickets": tickets,
                "met": met,
                "breached": breached,
                "open_at_risk": open_at_risk,
                "first_response_minutes": first_response_minutes,
                "resolution_minutes": resolution_minutes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.durations import Durations  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key = _parse_key(d.pop("key"))

        tickets = d.pop("tickets")

        met = d.pop("met")

        breached = d.pop("breached")

        open_at_risk = d.pop("open_at_risk")

        first_response_minutes = Durations.from_dict(d.pop("first_response_minutes"))

        resolution_minutes = Durations.from_dict(d.pop("resolution_minutes"))

        report_group = cls(
            key=key,
            tickets=tickets,
            met=met,
            breached=breached,
            open_at_risk=open_at_risk,
            first_response_minutes=first_response_minutes,
            resolution_minutes=resolution_minutes,
        )

        report_group.additional_properties = d
        return report_group

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

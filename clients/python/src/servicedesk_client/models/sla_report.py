from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sla_report_group_by import SlaReportGroupBy

if TYPE_CHECKING:
    from ..models.report_group import ReportGroup


T = TypeVar("T", bound="SlaReport")


@_attrs_define
class SlaReport:
    """
    Attributes:
        from_ (datetime.datetime):
        to (datetime.datetime):
        group_by (SlaReportGroupBy):
        groups (list[ReportGroup]):
    """

    from_: datetime.datetime
    to: datetime.datetime
    group_by: SlaReportGroupBy
    groups: list[ReportGroup]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        group_by = self.group_by.value

        groups = []
        for groups_item_data in self.groups:
            groups_item = groups_item_data.to_dict()
            groups.append(groups_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from": from_,
                "to": to,
                "group_by": group_by,
                "groups": groups,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.report_group import ReportGroup  # noqa: PLC0415

        d = dict(src_dict)
        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        to = datetime.datetime.fromisoformat(d.pop("to"))

        group_by = SlaReportGroupBy(d.pop("group_by"))

        groups = []
        _groups = d.pop("groups")
        for groups_item_data in _groups:
            groups_item = ReportGroup.from_dict(groups_item_data)

            groups.append(groups_item)

        sla_report = cls(
            from_=from_,
            to=to,
            group_by=group_by,
            groups=groups,
        )

        sla_report.additional_properties = d
        return sla_report

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

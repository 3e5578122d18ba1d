from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="GroupCreate")


@_attrs_define
class GroupCreate:
    """
    Attributes:
        name (str):
        member_ids (list[UUID] | Unset): Users of this tenant (active or not) who belong to the group
        round_robin (bool | Unset): New tickets that arrive in the group without an assignee are assigned to its active
            members in turn Default: False.
    """

    name: str
    member_ids: list[UUID] | Unset = UNSET
    round_robin: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        member_ids: list[str] | Unset = UNSET
        if not isinstance(self.member_ids, Unset):
            member_ids = []
            for member_ids_item_data in self.member_ids:
                member_ids_item = str(member_ids_item_data)
                member_ids.append(member_ids_item)

        round_robin = self.round_robin

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if member_ids is not UNSET:
            field_dict["member_ids"] = member_ids
        if round_robin is not UNSET:
            field_dict["round_robin"] = round_robin

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        _member_ids = d.pop("member_ids", UNSET)
        member_ids: list[UUID] | Unset = UNSET
        if _member_ids is not UNSET:
            member_ids = []
            for member_ids_item_data in _member_ids:
                member_ids_item = UUID(member_ids_item_data)

                member_ids.append(member_ids_item)

        round_robin = d.pop("round_robin", UNSET)

        group_create = cls(
            name=name,
            member_ids=member_ids,
            round_robin=round_robin,
        )

        group_create.additional_properties = d
        return group_create

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

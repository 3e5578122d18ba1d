from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="GroupUpdate")


@_attrs_define
class GroupUpdate:
    """
    Attributes:
        name (None | str | Unset):
        member_ids (list[UUID] | None | Unset): Replaces the members
        round_robin (bool | None | Unset):
    """

    name: None | str | Unset = UNSET
    member_ids: list[UUID] | None | Unset = UNSET
    round_robin: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        member_ids: list[str] | None | Unset
        if isinstance(self.member_ids, Unset):
            member_ids = UNSET
        elif isinstance(self.member_ids, list):
            member_ids = []
            for member_ids_type_0_item_data in self.member_ids:
                member_ids_type_0_item = str(member_ids_type_0_item_data)
                member_ids.append(member_ids_type_0_item)

        else:
            member_ids = self.member_ids

        round_robin: bool | None | Unset
        if isinstance(self.round_robin, Unset):
            round_robin = UNSET
        else:
            round_robin = self.round_robin

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if member_ids is not UNSET:
            field_dict["member_ids"] = member_ids
        if round_robin is not UNSET:
            field_dict["round_robin"] = round_robin

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_member_ids(data: object) -> list[UUID] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                member_ids_type_0 = []
                _member_ids_type_0 = data
                for member_ids_type_0_item_data in _member_ids_type_0:
                    member_ids_type_0_item = UUID(member_ids_type_0_item_data)

                    member_ids_type_0.append(member_ids_type_0_item)

                return member_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[UUID] | None | Unset, data)

        member_ids = _parse_member_ids(d.pop("member_ids", UNSET))

        def _parse_round_robin(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        round_robin = _parse_round_robin(d.pop("round_robin", UNSET))

        group_update = cls(
            name=name,
            member_ids=member_ids,
            round_robin=round_robin,
        )

        group_update.additional_properties = d
        return group_update

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

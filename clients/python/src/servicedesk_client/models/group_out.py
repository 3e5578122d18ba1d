from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="GroupOut")


@_attrs_define
class GroupOut:
    """
    Attributes:
        id (UUID):
        name (str):
        member_ids (list[UUID]):
        round_robin (bool):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    name: str
    member_ids: list[UUID]
    round_robin: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        member_ids = []
        for member_ids_item_data in self.member_ids:
            member_ids_item = str(member_ids_item_data)
            member_ids.append(member_ids_item)

        round_robin = self.round_robin

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "member_ids": member_ids,
                "round_robin": round_robin,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        member_ids = []
        _member_ids = d.pop("member_ids")
        for member_ids_item_data in _member_ids:
            member_ids_item = UUID(member_ids_item_data)

            member_ids.append(member_ids_item)

        round_robin = d.pop("round_robin")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        group_out = cls(
            id=id,
            name=name,
            member_ids=member_ids,
            round_robin=round_robin,
            created_at=created_at,
            updated_at=updated_at,
        )

        group_out.additional_properties = d
        return group_out

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

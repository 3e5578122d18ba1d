from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Target")


@_attrs_define
class Target:
    """
    Attributes:
        first_response_minutes (int | None | Unset): Business minutes to the first public reply
        resolution_minutes (int | None | Unset): Business minutes to resolved, ai_resolved or closed
    """

    first_response_minutes: int | None | Unset = UNSET
    resolution_minutes: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        first_response_minutes: int | None | Unset
        if isinstance(self.first_response_minutes, Unset):
            first_response_minutes = UNSET
        else:
            first_response_minutes = self.first_response_minutes

        resolution_minutes: int | None | Unset
        if isinstance(self.resolution_minutes, Unset):
            resolution_minutes = UNSET
        else:
            resolution_minutes = self.resolution_minutes

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if first_response_minutes is not UNSET:
            field_dict["first_response_minutes"] = first_response_minutes
        if resolution_minutes is not UNSET:
            field_dict["resolution_minutes"] = resolution_minutes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_first_response_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        first_response_minutes = _parse_first_response_minutes(
            d.pop("first_response_minutes", UNSET)
        )

        def _parse_resolution_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        resolution_minutes = _parse_resolution_minutes(d.pop("resolution_minutes", UNSET))

        target = cls(
            first_response_minutes=first_response_minutes,
            resolution_minutes=resolution_minutes,
        )

        return target

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.values_ok_custom_fields import ValuesOkCustomFields


T = TypeVar("T", bound="ValuesOk")


@_attrs_define
class ValuesOk:
    """
    Attributes:
        custom_fields (ValuesOkCustomFields): The values as a create would store them.
        valid (bool | Unset):  Default: True.
    """

    custom_fields: ValuesOkCustomFields
    valid: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        custom_fields = self.custom_fields.to_dict()

        valid = self.valid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "custom_fields": custom_fields,
            }
        )
        if valid is not UNSET:
            field_dict["valid"] = valid

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.values_ok_custom_fields import ValuesOkCustomFields  # noqa: PLC0415

        d = dict(src_dict)
        custom_fields = ValuesOkCustomFields.from_dict(d.pop("custom_fields"))

        valid = d.pop("valid", UNSET)

        values_ok = cls(
            custom_fields=custom_fields,
            valid=valid,
        )

        values_ok.additional_properties = d
        return values_ok

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

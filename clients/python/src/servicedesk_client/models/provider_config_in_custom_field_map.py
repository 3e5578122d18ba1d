from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ProviderConfigInCustomFieldMap")


@_attrs_define
class ProviderConfigInCustomFieldMap:
    """Which of the provider's custom ticket fields each of our custom fields fills: `{"department": "cf_department"}` (a
    Freshservice field name) or `{"department": "360001234567"}` (a Zendesk ticket field id). Unmapped fields stay here.
    Replaced whole by each PUT.

    """

    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        provider_config_in_custom_field_map = cls()

        provider_config_in_custom_field_map.additional_properties = d
        return provider_config_in_custom_field_map

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

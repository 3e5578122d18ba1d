from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InboundSecretOut")


@_attrs_define
class InboundSecretOut:
    """
    Attributes:
        inbound_url (str):
        inbound_secret (str):
    """

    inbound_url: str
    inbound_secret: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        inbound_url = self.inbound_url

        inbound_secret = self.inbound_secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "inbound_url": inbound_url,
                "inbound_secret": inbound_secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        inbound_url = d.pop("inbound_url")

        inbound_secret = d.pop("inbound_secret")

        inbound_secret_out = cls(
            inbound_url=inbound_url,
            inbound_secret=inbound_secret,
        )

        inbound_secret_out.additional_properties = d
        return inbound_secret_out

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

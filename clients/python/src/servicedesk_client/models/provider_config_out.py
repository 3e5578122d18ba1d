from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.provider_kind import ProviderKind

if TYPE_CHECKING:
    from ..models.provider_config_out_custom_field_map import (
        ProviderConfigOutCustomFieldMap,
    )


T = TypeVar("T", bound="ProviderConfigOut")


@_attrs_define
class ProviderConfigOut:
    """
    Attributes:
        kind (ProviderKind):
        domain (str):
        base_url (str): Where the provider's API is called.
        agent_email (None | str):
        default_requester_email (None | str):
        custom_field_map (ProviderConfigOutCustomFieldMap):
        inbound_url (str): Where the provider's automation posts ticket changes (with `Authorization: Bearer
            <inbound_secret>`).
        inbound_secret (None | str): Shown once, when it is made (first PUT, or rotation); stored hashed.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    kind: ProviderKind
    domain: str
    base_url: str
    agent_email: None | str
    default_requester_email: None | str
    custom_field_map: ProviderConfigOutCustomFieldMap
    inbound_url: str
    inbound_secret: None | str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        domain = self.domain

        base_url = self.base_url

        agent_email: None | str
        agent_email = self.agent_email

        default_requester_email: None | str
        default_requester_email = self.default_requester_email

        custom_field_map = self.custom_field_map.to_dict()

        inbound_url = self.inbound_url

        inbound_secret: None | str
        inbound_secret = self.inbound_secret

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "domain": domain,
                "base_url": base_url,
                "agent_email": agent_email,
                "default_requester_email": default_requester_email,
                "custom_field_map": custom_field_map,
                "inbound_url": inbound_url,
                "inbound_secret": inbound_secret,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.provider_config_out_custom_field_map import (
            ProviderConfigOutCustomFieldMap,  # noqa: PLC0415
        )

        d = dict(src_dict)
        kind = ProviderKind(d.pop("kind"))

        domain = d.pop("domain")

        base_url = d.pop("base_url")

        def _parse_agent_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        agent_email = _parse_agent_email(d.pop("agent_email"))

        def _parse_default_requester_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        default_requester_email = _parse_default_requester_email(d.pop("default_requester_email"))

        custom_field_map = ProviderConfigOutCustomFieldMap.from_dict(d.pop("custom_field_map"))

        inbound_url = d.pop("inbound_url")

        def _parse_inbound_secret(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        inbound_secret = _parse_inbound_secret(d.pop("inbound_secret"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        provider_config_out = cls(
            kind=kind,
            domain=domain,
            base_url=base_url,
            agent_email=agent_email,
            default_requester_email=default_requester_email,
            custom_field_map=custom_field_map,
            inbound_url=inbound_url,
            inbound_secret=inbound_secret,
            created_at=created_at,
            updated_at=updated_at,
        )

        provider_config_out.additional_properties = d
        return provider_config_out

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

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.provider_kind import ProviderKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.provider_config_in_custom_field_map import (
        ProviderConfigInCustomFieldMap,
    )


T = TypeVar("T", bound="ProviderConfigIn")


@_attrs_define
class ProviderConfigIn:
    """PUT /api/v1/configuration/provider. Omit `api_key` to keep the stored one (same
    kind and domain only).

        Attributes:
            kind (ProviderKind):
            domain (str): The account's subdomain: `acme` for acme.freshservice.com (the full host name is accepted too).
            api_key (None | str | Unset): Freshservice API key, or Zendesk API token. Stored encrypted, never returned.
            agent_email (None | str | Unset): Zendesk only: the agent the API token belongs to.
            default_requester_email (None | str | Unset): The requester of tickets created without one.
            custom_field_map (ProviderConfigInCustomFieldMap | Unset): Which of the provider's custom ticket fields each of
                our custom fields fills: `{"department": "cf_department"}` (a Freshservice field name) or `{"department":
                "360001234567"}` (a Zendesk ticket field id). Unmapped fields stay here. Replaced whole by each PUT.
    """

    kind: ProviderKind
    domain: str
    api_key: None | str | Unset = UNSET
    agent_email: None | str | Unset = UNSET
    default_requester_email: None | str | Unset = UNSET
    custom_field_map: ProviderConfigInCustomFieldMap | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        domain = self.domain

        api_key: None | str | Unset
        if isinstance(self.api_key, Unset):
            api_key = UNSET
        else:
            api_key = self.api_key

        agent_email: None | str | Unset
        if isinstance(self.agent_email, Unset):
            agent_email = UNSET
        else:
            agent_email = self.agent_email

        default_requester_email: None | str | Unset
        if isinstance(self.default_requester_email, Unset):
            default_requester_email = UNSET
        else:
            default_requester_email = self.default_requester_email

        custom_field_map: dict[str, Any] | Unset = UNSET
        if not isinstance(self.custom_field_map, Unset):
            custom_field_map = self.custom_field_map.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "domain": domain,
            }
        )
        if api_key is not UNSET:
            field_dict["api_key"] = api_key
        if agent_email is not UNSET:
            field_dict["agent_email"] = agent_email
        if default_requester_email is not UNSET:
            field_dict["default_requester_email"] = default_requester_email
        if custom_field_map is not UNSET:
            field_dict["custom_field_map"] = custom_field_map

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.provider_config_in_custom_field_map import (
            ProviderConfigInCustomFieldMap,  # noqa: PLC0415
        )

        d = dict(src_dict)
        kind = ProviderKind(d.pop("kind"))

        domain = d.pop("domain")

        def _parse_api_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        api_key = _parse_api_key(d.pop("api_key", UNSET))

        def _parse_agent_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agent_email = _parse_agent_email(d.pop("agent_email", UNSET))

        def _parse_default_requester_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        default_requester_email = _parse_default_requester_email(
            d.pop("default_requester_email", UNSET)
        )

        _custom_field_map = d.pop("custom_field_map", UNSET)
        custom_field_map: ProviderConfigInCustomFieldMap | Unset
        if isinstance(_custom_field_map, Unset):
            custom_field_map = UNSET
        else:
            custom_field_map = ProviderConfigInCustomFieldMap.from_dict(_custom_field_map)

        provider_config_in = cls(
            kind=kind,
            domain=domain,
            api_key=api_key,
            agent_email=agent_email,
            default_requester_email=default_requester_email,
            custom_field_map=custom_field_map,
        )

        return provider_config_in

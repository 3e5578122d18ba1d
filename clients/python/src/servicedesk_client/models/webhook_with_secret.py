from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_event import WebhookEvent

T = TypeVar("T", bound="WebhookWithSecret")


@_attrs_define
class WebhookWithSecret:
    """
    Attributes:
        id (str):
        url (str):
        events (list[WebhookEvent]):
        is_active (bool):
        disabled_reason (None | str): Why the endpoint was deactivated, when the service did it.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        secret (str): Shown only in this response: store it now. Keys `X-Servicedesk-Signature` (HMAC-SHA256 with these
            UTF-8 bytes).
        standard_webhooks_secret (str): The same secret as Standard Webhooks libraries take it, `whsec_` + `secret`:
            verifies `webhook-signature`.
    """

    id: str
    url: str
    events: list[WebhookEvent]
    is_active: bool
    disabled_reason: None | str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    secret: str
    standard_webhooks_secret: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        url = self.url

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.value
            events.append(events_item)

        is_active = self.is_active

        disabled_reason: None | str
        disabled_reason = self.disabled_reason

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        secret = self.secret

        standard_webhooks_secret = self.standard_webhooks_secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
                "events": events,
                "is_active": is_active,
                "disabled_reason": disabled_reason,
                "created_at": created_at,
                "updated_at": updated_at,
                "secret": secret,
                "standard_webhooks_secret": standard_webhooks_secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        url = d.pop("url")

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = WebhookEvent(events_item_data)

            events.append(events_item)

        is_active = d.pop("is_active")

        def _parse_disabled_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        secret = d.pop("secret")

        standard_webhooks_secret = d.pop("standard_webhooks_secret")

        webhook_with_secret = cls(
            id=id,
            url=url,
            events=events,
            is_active=is_active,
            disabled_reason=disabled_reason,
            created_at=created_at,
            updated_at=updated_at,
            secret=secret,
            standard_webhooks_secret=standard_webhooks_secret,
        )

        webhook_with_secret.additional_properties = d
        return webhook_with_secret

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

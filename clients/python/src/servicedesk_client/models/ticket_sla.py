from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sla_target import SlaTarget

T = TypeVar("T", bound="TicketSla")


@_attrs_define
class TicketSla:
    """The ticket's SLA (`docs/sla.md`): due times in UTC; a due time is null for a
    target the policy does not set for the priority, and while the clock is paused.

        Attributes:
            policy_id (str): The SLA policy that applies (/api/v1/sla/policies)
            first_response_due_at (datetime.datetime | None):
            first_responded_at (datetime.datetime | None): The first public reply (a public note, a reply sent from the
                console)
            resolution_due_at (datetime.datetime | None):
            resolved_at (datetime.datetime | None): When it became resolved, ai_resolved or closed (null again when
                reopened)
            paused (bool): In one of the policy's pause statuses: the clock stands
            breached (list[SlaTarget]): The targets missed
    """

    policy_id: str
    first_response_due_at: datetime.datetime | None
    first_responded_at: datetime.datetime | None
    resolution_due_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    paused: bool
    breached: list[SlaTarget]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        policy_id = self.policy_id

        first_response_due_at: None | str
        if isinstance(self.first_response_due_at, datetime.datetime):
            first_response_due_at = self.first_response_due_at.isoformat()
        else:
            first_response_due_at = self.first_response_due_at

        first_responded_at: None | str
        if isinstance(self.first_responded_at, datetime.datetime):
            first_responded_at = self.first_responded_at.isoformat()
        else:
            first_responded_at = self.first_responded_at

        resolution_due_at: None | str
        if isinstance(self.resolution_due_at, datetime.datetime):
            resolution_due_at = self.resolution_due_at.isoformat()
        else:
            resolution_due_at = self.resolution_due_at

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        paused = self.paused

        breached = []
        for breached_item_data in self.breached:
            breached_item = breached_item_data.value
            breached.append(breached_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "policy_id": policy_id,
                "first_response_due_at": first_response_due_at,
                "first_responded_at": first_responded_at,
                "resolution_due_at": resolution_due_at,
                "resolved_at": resolved_at,
                "paused": paused,
                "breached": breached,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        policy_id = d.pop("policy_id")

        def _parse_first_response_due_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_response_due_at_type_0 = datetime.datetime.fromisoformat(data)

                return first_response_due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        first_response_due_at = _parse_first_response_due_at(d.pop("first_response_due_at"))

        def _parse_first_responded_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_responded_at_type_0 = datetime.datetime.fromisoformat(data)

                return first_responded_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        first_responded_at = _parse_first_responded_at(d.pop("first_responded_at"))

        def _parse_resolution_due_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolution_due_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolution_due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolution_due_at = _parse_resolution_due_at(d.pop("resolution_due_at"))

        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))

        paused = d.pop("paused")

        breached = []
        _breached = d.pop("breached")
        for breached_item_data in _breached:
            breached_item = SlaTarget(breached_item_data)

            breached.append(breached_item)

        ticket_sla = cls(
            policy_id=policy_id,
            first_response_due_at=first_response_due_at,
            first_responded_at=first_responded_at,
            resolution_due_at=resolution_due_at,
            resolved_at=resolved_at,
            paused=paused,
            breached=breached,
        )

        ticket_sla.additional_properties = d
        return ticket_sla

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

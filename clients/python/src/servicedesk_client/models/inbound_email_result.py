from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InboundEmailResult")


@_attrs_define
class InboundEmailResult:
    """
    Attributes:
        ticket_id (None | str): The ticket the message made or joined
        note_id (None | str): The note it became (null: a new ticket)
        created (bool): A new ticket (false: it joined one, or was taken before)
        ignored (None | str): Why nothing was made: `bounce` (a delivery report) or `own_address` (sent from a support
            or sending address: a loop)
    """

    ticket_id: None | str
    note_id: None | str
    created: bool
    ignored: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ticket_id: None | str
        ticket_id = self.ticket_id

        note_id: None | str
        note_id = self.note_id

        created = self.created

        ignored: None | str
        ignored = self.ignored

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ticket_id": ticket_id,
                "note_id": note_id,
                "created": created,
                "ignored": ignored,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_ticket_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ticket_id = _parse_ticket_id(d.pop("ticket_id"))

        def _parse_note_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note_id = _parse_note_id(d.pop("note_id"))

        created = d.pop("created")

        def _parse_ignored(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ignored = _parse_ignored(d.pop("ignored"))

        inbound_email_result = cls(
            ticket_id=ticket_id,
            note_id=note_id,
            created=created,
            ignored=ignored,
        )

        inbound_email_result.additional_properties = d
        return inbound_email_result

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

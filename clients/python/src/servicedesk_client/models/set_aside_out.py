from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SetAsideOut")


@_attrs_define
class SetAsideOut:
    """A polled message the desk could not take as it is, kept whole.

    Attributes:
        id (str):
        source (str): Where it came from: `imap`
        reason (str): Why it could not be taken, e.g. a limit it went past
        message_id (None | str): Its Message-ID, when its header says one
        sender (None | str): Its From address, when valid
        subject (None | str):
        size (int): Bytes
        created_at (datetime.datetime):
        released (bool): Whether an admin made it a ticket
        ticket_id (None | str): The ticket it was released as
    """

    id: str
    source: str
    reason: str
    message_id: None | str
    sender: None | str
    subject: None | str
    size: int
    created_at: datetime.datetime
    released: bool
    ticket_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        source = self.source

        reason = self.reason

        message_id: None | str
        message_id = self.message_id

        sender: None | str
        sender = self.sender

        subject: None | str
        subject = self.subject

        size = self.size

        created_at = self.created_at.isoformat()

        released = self.released

        ticket_id: None | str
        ticket_id = self.ticket_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "source": source,
                "reason": reason,
                "message_id": message_id,
                "sender": sender,
                "subject": subject,
                "size": size,
                "created_at": created_at,
                "released": released,
                "ticket_id": ticket_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        source = d.pop("source")

        reason = d.pop("reason")

        def _parse_message_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message_id = _parse_message_id(d.pop("message_id"))

        def _parse_sender(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sender = _parse_sender(d.pop("sender"))

        def _parse_subject(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        subject = _parse_subject(d.pop("subject"))

        size = d.pop("size")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        released = d.pop("released")

        def _parse_ticket_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ticket_id = _parse_ticket_id(d.pop("ticket_id"))

        set_aside_out = cls(
            id=id,
            source=source,
            reason=reason,
            message_id=message_id,
            sender=sender,
            subject=subject,
            size=size,
            created_at=created_at,
            released=released,
            ticket_id=ticket_id,
        )

        set_aside_out.additional_properties = d
        return set_aside_out

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

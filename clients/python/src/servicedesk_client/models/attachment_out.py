from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AttachmentOut")


@_attrs_define
class AttachmentOut:
    """
    Attributes:
        id (UUID):
        ticket_id (UUID):
        note_id (None | UUID): The note that carries it; null for a file of the mail that opened the ticket.
        filename (str):
        content_type (str): As the uploader or the mail declared it.
        size (int): In bytes.
        content_id (None | str): An inline image's Content-ID (without the angle brackets), which the mail's HTML
            referred to as `cid:…`; null otherwise.
        content_url (str): Where its bytes are downloaded (`GET /api/v1/attachments/{id}`), always as a file, never
            shown inline.
        created_at (datetime.datetime):
    """

    id: UUID
    ticket_id: UUID
    note_id: None | UUID
    filename: str
    content_type: str
    size: int
    content_id: None | str
    content_url: str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        ticket_id = str(self.ticket_id)

        note_id: None | str
        if isinstance(self.note_id, UUID):
            note_id = str(self.note_id)
        else:
            note_id = self.note_id

        filename = self.filename

        content_type = self.content_type

        size = self.size

        content_id: None | str
        content_id = self.content_id

        content_url = self.content_url

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "ticket_id": ticket_id,
                "note_id": note_id,
                "filename": filename,
                "content_type": content_type,
                "size": size,
                "content_id": content_id,
                "content_url": content_url,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        ticket_id = UUID(d.pop("ticket_id"))

        def _parse_note_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                note_id_type_0 = UUID(data)

                return note_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        note_id = _parse_note_id(d.pop("note_id"))

        filename = d.pop("filename")

        content_type = d.pop("content_type")

        size = d.pop("size")

        def _parse_content_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        content_id = _parse_content_id(d.pop("content_id"))

        content_url = d.pop("content_url")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        attachment_out = cls(
            id=id,
            ticket_id=ticket_id,
            note_id=note_id,
            filename=filename,
            content_type=content_type,
            size=size,
            content_id=content_id,
            content_url=content_url,
            created_at=created_at,
        )

        attachment_out.additional_properties = d
        return attachment_out

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

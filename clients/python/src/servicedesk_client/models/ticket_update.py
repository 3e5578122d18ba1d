from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.ticket_priority import TicketPriority
from ..models.ticket_status import TicketStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.ticket_update_custom_fields_type_0 import TicketUpdateCustomFieldsType0
    from ..models.ticket_update_metadata_type_0 import TicketUpdateMetadataType0


T = TypeVar("T", bound="TicketUpdate")


@_attrs_define
class TicketUpdate:
    """PATCH /api/v1/tickets/{id}: any subset of the writable fields.

    Attributes:
        subject (None | str | Unset):
        description (None | str | Unset):
        status (None | TicketStatus | Unset):
        priority (None | TicketPriority | Unset):
        requester_email (None | str | Unset):
        metadata (None | TicketUpdateMetadataType0 | Unset): Merged key by key (RFC 7396): a key set to null is removed;
            null for the whole object clears it.
        category (None | str | Unset):
        ai_suggested_response (None | str | Unset):
        custom_fields (None | TicketUpdateCustomFieldsType0 | Unset): Merged key by key: a name set to null removes its
            value; null for the whole object removes every value.
        group_id (None | Unset | UUID): A group of the tenant; null removes the ticket from its group
        assignee_id (None | Unset | UUID): An active user of the tenant; null unassigns
    """

    subject: None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    status: None | TicketStatus | Unset = UNSET
    priority: None | TicketPriority | Unset = UNSET
    requester_email: None | str | Unset = UNSET
    metadata: None | TicketUpdateMetadataType0 | Unset = UNSET
    category: None | str | Unset = UNSET
    ai_suggested_response: None | str | Unset = UNSET
    custom_fields: None | TicketUpdateCustomFieldsType0 | Unset = UNSET
    group_id: None | Unset | UUID = UNSET
    assignee_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.ticket_update_custom_fields_type_0 import (
            TicketUpdateCustomFieldsType0,  # noqa: PLC0415
        )
        from ..models.ticket_update_metadata_type_0 import TicketUpdateMetadataType0  # noqa: PLC0415

        subject: None | str | Unset
        if isinstance(self.subject, Unset):
            subject = UNSET
        else:
            subject = self.subject

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, TicketStatus):
            status = self.status.value
        else:
            status = self.status

        priority: None | str | Unset
        if isinstance(self.priority, Unset):
            priority = UNSET
        elif isinstance(self.priority, TicketPriority):
            priority = self.priority.value
        else:
            priority = self.priority

        requester_email: None | str | Unset
        if isinstance(self.requester_email, Unset):
            requester_email = UNSET
        else:
            requester_email = self.requester_email

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, TicketUpdateMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        category: None | str | Unset
        if isinstance(self.category, Unset):
            category = UNSET
        else:
            category = self.category

        ai_suggested_response: None | str | Unset
        if isinstance(self.ai_suggested_response, Unset):
            ai_suggested_response = UNSET
        else:
            ai_suggested_response = self.ai_suggested_response

        custom_fields: dict[str, Any] | None | Unset
        if isinstance(self.custom_fields, Unset):
            custom_fields = UNSET
        elif isinstance(self.custom_fields, TicketUpdateCustomFieldsType0):
            custom_fields = self.custom_fields.to_dict()
        else:
            custom_fields = self.custom_fields

        group_id: None | str | Unset
        if isinstance(self.group_id, Unset):
            group_id = UNSET
        elif isinstance(self.group_id, UUID):
            group_id = str(self.group_id)
        else:
            group_id = self.group_id

        assignee_id: None | str | Unset
        if isinstance(self.assignee_id, Unset):
            assignee_id = UNSET
        elif isinstance(self.assignee_id, UUID):
            assignee_id = str(self.assignee_id)
        else:
            assignee_id = self.assignee_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if subject is not UNSET:
            field_dict["subject"] = subject
        if description is not UNSET:
            field_dict["description"] = description
        if status is not UNSET:
            field_dict["status"] = status
        if priority is not UNSET:
            field_dict["priority"] = priority
        if requester_email is not UNSET:
            field_dict["requester_email"] = requester_email
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if category is not UNSET:
            field_dict["category"] = category
        if ai_suggested_response is not UNSET:
            field_dict["ai_suggested_response"] = ai_suggested_response
        if custom_fields is not UNSET:
            field_dict["custom_fields"] = custom_fields
        if group_id is not UNSET:
            field_dict["group_id"] = group_id
        if assignee_id is not UNSET:
            field_dict["assignee_id"] = assignee_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ticket_update_custom_fields_type_0 import (
            TicketUpdateCustomFieldsType0,  # noqa: PLC0415
        )
        from ..models.ticket_update_metadata_type_0 import TicketUpdateMetadataType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_subject(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subject = _parse_subject(d.pop("subject", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_status(data: object) -> None | TicketStatus | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = TicketStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TicketStatus | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_priority(data: object) -> None | TicketPriority | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                priority_type_0 = TicketPriority(data)

                return priority_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TicketPriority | Unset, data)

        priority = _parse_priority(d.pop("priority", UNSET))

        def _parse_requester_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        requester_email = _parse_requester_email(d.pop("requester_email", UNSET))

        def _parse_metadata(data: object) -> None | TicketUpdateMetadataType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = TicketUpdateMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TicketUpdateMetadataType0 | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_category(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        category = _parse_category(d.pop("category", UNSET))

        def _parse_ai_suggested_response(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ai_suggested_response = _parse_ai_suggested_response(d.pop("ai_suggested_response", UNSET))

        def _parse_custom_fields(data: object) -> None | TicketUpdateCustomFieldsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                custom_fields_type_0 = TicketUpdateCustomFieldsType0.from_dict(data)

                return custom_fields_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TicketUpdateCustomFieldsType0 | Unset, data)

        custom_fields = _parse_custom_fields(d.pop("custom_fields", UNSET))

        def _parse_group_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                group_id_type_0 = UUID(data)

                return group_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        group_id = _parse_group_id(d.pop("group_id", UNSET))

        def _parse_assignee_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                assignee_id_type_0 = UUID(data)

                return assignee_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        assignee_id = _parse_assignee_id(d.pop("assignee_id", UNSET))

        ticket_update = cls(
            subject=subject,
            description=description,
            status=status,
            priority=priority,
            requester_email=requester_email,
            metadata=metadata,
            category=category,
            ai_suggested_response=ai_suggested_response,
            custom_fields=custom_fields,
            group_id=group_id,
            assignee_id=assignee_id,
        )

        ticket_update.additional_properties = d
        return ticket_update

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

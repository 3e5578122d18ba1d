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
    from ..models.ticket_create_custom_fields_type_0 import TicketCreateCustomFieldsType0
    from ..models.ticket_create_metadata_type_0 import TicketCreateMetadataType0


T = TypeVar("T", bound="TicketCreate")


@_attrs_define
class TicketCreate:
    """POST /api/v1/tickets. Unknown keys (a top-level `category`, say) are ignored.

    Attributes:
        subject (str): Ticket subject, 1–255 characters
        description (str): Ticket description, minimum 1 character
        status (TicketStatus | Unset): A ticket's status (a named enum in OpenAPI: one class in generated clients).
        priority (None | TicketPriority | Unset):
        requester_email (None | str | Unset): Email of the person the ticket is raised for
        metadata (None | TicketCreateMetadataType0 | Unset): Arbitrary key/value data to attach to the ticket
        custom_fields (None | TicketCreateCustomFieldsType0 | Unset): Values of the tenant's custom fields, by machine
            name (see /api/v1/custom-fields); checked against their definitions, defaults filled in.
        group_id (None | Unset | UUID): A group of the tenant (/api/v1/groups)
        assignee_id (None | Unset | UUID): An active user of the tenant (/api/v1/users)
    """

    subject: str
    description: str
    status: TicketStatus | Unset = UNSET
    priority: None | TicketPriority | Unset = UNSET
    requester_email: None | str | Unset = UNSET
    metadata: None | TicketCreateMetadataType0 | Unset = UNSET
    custom_fields: None | TicketCreateCustomFieldsType0 | Unset = UNSET
    group_id: None | Unset | UUID = UNSET
    assignee_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.ticket_create_custom_fields_type_0 import (
            TicketCreateCustomFieldsType0,  # noqa: PLC0415
        )
        from ..models.ticket_create_metadata_type_0 import TicketCreateMetadataType0  # noqa: PLC0415

        subject = self.subject

        description = self.description

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

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
        elif isinstance(self.metadata, TicketCreateMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        custom_fields: dict[str, Any] | None | Unset
        if isinstance(self.custom_fields, Unset):
            custom_fields = UNSET
        elif isinstance(self.custom_fields, TicketCreateCustomFieldsType0):
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
        field_dict.update(
            {
                "subject": subject,
                "description": description,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if priority is not UNSET:
            field_dict["priority"] = priority
        if requester_email is not UNSET:
            field_dict["requester_email"] = requester_email
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if custom_fields is not UNSET:
            field_dict["custom_fields"] = custom_fields
        if group_id is not UNSET:
            field_dict["group_id"] = group_id
        if assignee_id is not UNSET:
            field_dict["assignee_id"] = assignee_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ticket_create_custom_fields_type_0 import (
            TicketCreateCustomFieldsType0,  # noqa: PLC0415
        )
        from ..models.ticket_create_metadata_type_0 import TicketCreateMetadataType0  # noqa: PLC0415

        d = dict(src_dict)
        subject = d.pop("subject")

        description = d.pop("description")

        _status = d.pop("status", UNSET)
        status: TicketStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = TicketStatus(_status)

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

        def _parse_metadata(data: object) -> None | TicketCreateMetadataType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = TicketCreateMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TicketCreateMetadataType0 | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_custom_fields(data: object) -> None | TicketCreateCustomFieldsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                custom_fields_type_0 = TicketCreateCustomFieldsType0.from_dict(data)

                return custom_fields_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TicketCreateCustomFieldsType0 | Unset, data)

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

        ticket_create = cls(
            subject=subject,
            description=description,
            status=status,
            priority=priority,
            requester_email=requester_email,
            metadata=metadata,
            custom_fields=custom_fields,
            group_id=group_id,
            assignee_id=assignee_id,
        )

        ticket_create.additional_properties = d
        return ticket_create

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

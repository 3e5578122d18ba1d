from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sync_status import SyncStatus
from ..models.ticket_priority import TicketPriority
from ..models.ticket_status import TicketStatus

if TYPE_CHECKING:
    from ..models.ticket_out_custom_fields import TicketOutCustomFields
    from ..models.ticket_out_metadata import TicketOutMetadata
    from ..models.ticket_sla import TicketSla


T = TypeVar("T", bound="TicketOut")


@_attrs_define
class TicketOut:
    """The ticket object every ticket endpoint returns.

    Attributes:
        id (UUID):
        subject (str):
        description (str):
        status (TicketStatus): A ticket's status (a named enum in OpenAPI: one class in generated clients).
        priority (None | TicketPriority):
        requester_email (None | str):
        external_provider (None | str):
        external_ticket_id (None | str):
        external_ticket_url (None | str):
        external_sync_status (None | SyncStatus): The mirror in the ITSM provider: pending (being retried), synced,
            failed (rejected for good, see external_sync_error); null without a provider.
        external_sync_error (None | str): The provider's message when it rejected the ticket or a change.
        metadata (TicketOutMetadata):
        category (None | str):
        ai_suggested_response (None | str):
        confidence_score (float | None):
        custom_fields (TicketOutCustomFields):
        group_id (None | UUID): The group it is routed to
        assignee_id (None | UUID): The user working on it
        sla (None | TicketSla): Null when no SLA policy applies
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    subject: str
    description: str
    status: TicketStatus
    priority: None | TicketPriority
    requester_email: None | str
    external_provider: None | str
    external_ticket_id: None | str
    external_ticket_url: None | str
    external_sync_status: None | SyncStatus
    external_sync_error: None | str
    metadata: TicketOutMetadata
    category: None | str
    ai_suggested_response: None | str
    confidence_score: float | None
    custom_fields: TicketOutCustomFields
    group_id: None | UUID
    assignee_id: None | UUID
    sla: None | TicketSla
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.ticket_sla import TicketSla  # noqa: PLC0415

        id = str(self.id)

        subject = self.subject

        description = self.description

        status = self.status.value

        priority: None | str
        if isinstance(self.priority, TicketPriority):
            priority = self.priority.value
        else:
            priority = self.priority

        requester_email: None | str
        requester_email = self.requester_email

        external_provider: None | str
        external_provider = self.external_provider

        external_ticket_id: None | str
        external_ticket_id = self.external_ticket_id

        external_ticket_url: None | str
        external_ticket_url = self.external_ticket_url

        external_sync_status: None | str
        if isinstance(self.external_sync_status, SyncStatus):
            external_sync_status = self.external_sync_status.value
        else:
            external_sync_status = self.external_sync_status

        external_sync_error: None | str
        external_sync_error = self.external_sync_error

        metadata = self.metadata.to_dict()

        category: None | str
        category = self.category

        ai_suggested_response: None | str
        ai_suggested_response = self.ai_suggested_response

        confidence_score: float | None
        confidence_score = self.confidence_score

        custom_fields = self.custom_fields.to_dict()

        group_id: None | str
        if isinstance(self.group_id, UUID):
            group_id = str(self.group_id)
        else:
            group_id = self.group_id

        assignee_id: None | str
        if isinstance(self.assignee_id, UUID):
            assignee_id = str(self.assignee_id)
        else:
            assignee_id = self.assignee_id

        sla: dict[str, Any] | None
        if isinstance(self.sla, TicketSla):
            sla = self.sla.to_dict()
        else:
            sla = self.sla

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "subject": subject,
                "description": description,
                "status": status,
                "priority": priority,
                "requester_email": requester_email,
                "external_provider": external_provider,
                "external_ticket_id": external_ticket_id,
                "external_ticket_url": external_ticket_url,
                "external_sync_status": external_sync_status,
                "external_sync_error": external_sync_error,
                "metadata": metadata,
                "category": category,
                "ai_suggested_response": ai_suggested_response,
                "confidence_score": confidence_score,
                "custom_fields": custom_fields,
                "group_id": group_id,
                "assignee_id": assignee_id,
                "sla": sla,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ticket_out_custom_fields import TicketOutCustomFields  # noqa: PLC0415
        from ..models.ticket_out_metadata import TicketOutMetadata  # noqa: PLC0415
        from ..models.ticket_sla import TicketSla  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        subject = d.pop("subject")

        description = d.pop("description")

        status = TicketStatus(d.pop("status"))

        def _parse_priority(data: object) -> None | TicketPriority:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                priority_type_0 = TicketPriority(data)

                return priority_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TicketPriority, data)

        priority = _parse_priority(d.pop("priority"))

        def _parse_requester_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        requester_email = _parse_requester_email(d.pop("requester_email"))

        def _parse_external_provider(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_provider = _parse_external_provider(d.pop("external_provider"))

        def _parse_external_ticket_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_ticket_id = _parse_external_ticket_id(d.pop("external_ticket_id"))

        def _parse_external_ticket_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_ticket_url = _parse_external_ticket_url(d.pop("external_ticket_url"))

        def _parse_external_sync_status(data: object) -> None | SyncStatus:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                external_sync_status_type_0 = SyncStatus(data)

                return external_sync_status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SyncStatus, data)

        external_sync_status = _parse_external_sync_status(d.pop("external_sync_status"))

        def _parse_external_sync_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_sync_error = _parse_external_sync_error(d.pop("external_sync_error"))

        metadata = TicketOutMetadata.from_dict(d.pop("metadata"))

        def _parse_category(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        category = _parse_category(d.pop("category"))

        def _parse_ai_suggested_response(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ai_suggested_response = _parse_ai_suggested_response(d.pop("ai_suggested_response"))

        def _parse_confidence_score(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        confidence_score = _parse_confidence_score(d.pop("confidence_score"))

        custom_fields = TicketOutCustomFields.from_dict(d.pop("custom_fields"))

        def _parse_group_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                group_id_type_0 = UUID(data)

                return group_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        group_id = _parse_group_id(d.pop("group_id"))

        def _parse_assignee_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                assignee_id_type_0 = UUID(data)

                return assignee_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        assignee_id = _parse_assignee_id(d.pop("assignee_id"))

        def _parse_sla(data: object) -> None | TicketSla:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sla_type_0 = TicketSla.from_dict(data)

                return sla_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TicketSla, data)

        sla = _parse_sla(d.pop("sla"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        ticket_out = cls(
            id=id,
            subject=subject,
            description=description,
            status=status,
            priority=priority,
            requester_email=requester_email,
            external_provider=external_provider,
            external_ticket_id=external_ticket_id,
            external_ticket_url=external_ticket_url,
            external_sync_status=external_sync_status,
            external_sync_error=external_sync_error,
            metadata=metadata,
            category=category,
            ai_suggested_response=ai_suggested_response,
            confidence_score=confidence_score,
            custom_fields=custom_fields,
            group_id=group_id,
            assignee_id=assignee_id,
            sla=sla,
            created_at=created_at,
            updated_at=updated_at,
        )

        ticket_out.additional_properties = d
        return ticket_out

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

"""Request and response bodies of the Tickets API, with the seed's examples."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, AliasChoices, BaseModel, ConfigDict, Field, field_validator

from servicedesk.db.ready import instant
from servicedesk.validation import (
    Category,
    Email,
    NotBlank,
    SingleLine,
    Storable,
    StorableJson,
    storable_json,
)


class TicketStatus(StrEnum):
    """A ticket's status (a named enum in OpenAPI: one class in generated clients)."""

    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"
    AI_RESOLVED = "ai_resolved"
    PENDING_AGENT = "pending_agent"


class TicketPriority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


class SyncStatus(StrEnum):
    """The mirror in the ITSM provider: pending (being retried), synced, failed."""

    PENDING = "pending"
    SYNCED = "synced"
    FAILED = "failed"


class SlaTarget(StrEnum):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


class TicketOrder(StrEnum):
    """How a list of tickets is sorted; only `newest` pages with a cursor."""

    NEWEST = "newest"
    OLDEST = "oldest"
    UPDATED = "updated"
    SLA_DUE = "sla_due"


SUBJECT_MAX = 255
DESCRIPTION_MAX = 65_536
SUGGESTED_RESPONSE_MAX = 65_536
METADATA_MAX_BYTES = 16_384
METADATA_MAX_DEPTH = 8


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    return 0


def _check_metadata(value: dict[str, Any]) -> dict[str, Any]:
    storable_json(value)
    if _depth(value) > METADATA_MAX_DEPTH:
        raise ValueError(f"metadata may nest at most {METADATA_MAX_DEPTH} levels deep")
    size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
    if size > METADATA_MAX_BYTES:
        raise ValueError(f"metadata must be at most {METADATA_MAX_BYTES} bytes as JSON")
    return value


Metadata = Annotated[dict[str, Any], AfterValidator(_check_metadata)]


# The values are checked against the tenant's definitions in the service; here only that
# a database can store every key and text in them (a lone surrogate is a 422, not a 500).
CustomFieldValues = Annotated[dict[str, Any], StorableJson]
Subject = Annotated[str, Field(min_length=1, max_length=SUBJECT_MAX), Storable, SingleLine]
Description = Annotated[str, Field(min_length=1, max_length=DESCRIPTION_MAX), Storable]
SuggestedResponse = Annotated[str, Field(min_length=1, max_length=SUGGESTED_RESPONSE_MAX), Storable]

SEED_CREATE_EXAMPLE: dict[str, Any] = {
    "subject": "VPN not connecting",
    "description": "Unable to connect to corporate VPN since this morning.",
    "priority": "high",
    "requester_email": "alex@example.com",
    "metadata": {"category": "Network"},
}

SEED_TICKET_EXAMPLE: dict[str, Any] = {
    "id": "5c2e8f1a-3d4b-4e6f-9a1c-7b2d8e0f5a3c",
    "subject": "VPN not connecting",
    "description": "Unable to connect to corporate VPN since this morning.",
    "status": "open",
    "priority": "high",
    "requester_email": "alex@example.com",
    "external_provider": "freshservice",
    "external_ticket_id": "1042",
    "external_ticket_url": "https://example.freshservice.com/a/tickets/1042",
    "external_sync_status": "synced",
    "external_sync_error": None,
    "metadata": {"category": "Network"},
    "category": "Network",
    "ai_suggested_response": None,
    "confidence_score": 0.92,
    "custom_fields": {},
    "group_id": None,
    "assignee_id": None,
    "sla": {
        "policy_id": "sla_4f1c2a9e0b7d3e61",
        "first_response_due_at": "2026-02-20T15:00:00Z",
        "first_responded_at": None,
        "resolution_due_at": "2026-02-20T18:30:00Z",
        "resolved_at": None,
        "paused": False,
        "breached": [],
    },
    "created_at": "2026-02-20T14:30:00Z",
    "updated_at": "2026-02-20T14:30:00Z",
}


class TicketCreate(BaseModel):
    """POST /api/v1/tickets. Unknown keys (a top-level `category`, say) are ignored."""

    model_config = ConfigDict(json_schema_extra={"examples": [SEED_CREATE_EXAMPLE]})

    subject: Subject = Field(description="Ticket subject, 1–255 characters")
    description: Description = Field(description="Ticket description, minimum 1 character")
    status: TicketStatus = Field(
        default=TicketStatus.OPEN, description="Initial status (defaults to open)"
    )
    priority: TicketPriority | None = None
    requester_email: Email | None = Field(
        default=None, description="Email of the person the ticket is raised for"
    )
    metadata: Metadata | None = Field(
        default=None, description="Arbitrary key/value data to attach to the ticket"
    )
    custom_fields: CustomFieldValues | None = Field(
        default=None,
        description="Values of the tenant's custom fields, by machine name (see "
        "/api/v1/custom-fields); checked against their definitions, defaults filled in.",
    )
    group_id: uuid.UUID | None = Field(
        default=None, description="A group of the tenant (/api/v1/groups)"
    )
    assignee_id: uuid.UUID | None = Field(
        default=None, description="An active user of the tenant (/api/v1/users)"
    )


_NOT_NULLABLE = ("subject", "description", "status")


class TicketUpdate(BaseModel):
    """PATCH /api/v1/tickets/{id}: any subset of the writable fields."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"status": "pending", "priority": "medium"},
                {"status": "closed"},
                {"status": "pending_agent", "category": "Network"},
            ]
        }
    )

    subject: Subject | None = None
    description: Description | None = None
    status: TicketStatus | None = None
    priority: TicketPriority | None = None
    requester_email: Email | None = None
    metadata: Metadata | None = Field(
        default=None,
        description="Merged key by key (RFC 7396): a key set to null is removed; "
        "null for the whole object clears it.",
    )
    category: Category | None = None
    ai_suggested_response: SuggestedResponse | None = None
    custom_fields: CustomFieldValues | None = Field(
        default=None,
        description="Merged key by key: a name set to null removes its value; null for the "
        "whole object removes every value.",
    )
    group_id: uuid.UUID | None = Field(
        default=None, description="A group of the tenant; null removes the ticket from its group"
    )
    assignee_id: uuid.UUID | None = Field(
        default=None, description="An active user of the tenant; null unassigns"
    )

    @field_validator(*_NOT_NULLABLE)
    @classmethod
    def _reject_null(cls, value: object) -> object:
        # Runs only for values the client sent: an omitted field keeps its None default.
        if value is None:
            raise ValueError("may not be null")
        return value

    def changes(self) -> dict[str, Any]:
        """The writable fields the client sent, with their values."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class TicketSla(BaseModel):
    """The ticket's SLA (`docs/sla.md`): due times in UTC; a due time is null for a
    target the policy does not set for the priority, and while the clock is paused."""

    policy_id: str = Field(description="The SLA policy that applies (/api/v1/sla/policies)")
    first_response_due_at: datetime | None
    first_responded_at: datetime | None = Field(
        description="The first public reply (a public note, a reply sent from the console)"
    )
    resolution_due_at: datetime | None
    resolved_at: datetime | None = Field(
        description="When it became resolved, ai_resolved or closed (null again when reopened)"
    )
    paused: bool = Field(description="In one of the policy's pause statuses: the clock stands")
    breached: list[SlaTarget] = Field(description="The targets missed")


class TicketOut(BaseModel):
    """The ticket object every ticket endpoint returns."""

    model_config = ConfigDict(
        json_schema_serialization_defaults_required=True,
        from_attributes=True,
        json_schema_extra={"examples": [SEED_TICKET_EXAMPLE]},
    )

    id: uuid.UUID
    subject: str
    description: str
    status: TicketStatus
    priority: TicketPriority | None
    requester_email: str | None
    external_provider: str | None
    external_ticket_id: str | None
    external_ticket_url: str | None
    external_sync_status: SyncStatus | None = Field(
        description="The mirror in the ITSM provider: pending (being retried), synced, "
        "failed (rejected for good, see external_sync_error); null without a provider."
    )
    external_sync_error: str | None = Field(
        description="The provider's message when it rejected the ticket or a change."
    )
    metadata: dict[str, Any] = Field(validation_alias=AliasChoices("metadata_", "metadata"))
    category: str | None
    ai_suggested_response: str | None
    confidence_score: float | None
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    group_id: uuid.UUID | None = Field(default=None, description="The group it is routed to")
    assignee_id: uuid.UUID | None = Field(default=None, description="The user working on it")
    sla: TicketSla | None = Field(default=None, description="Null when no SLA policy applies")
    created_at: datetime
    updated_at: datetime


def ticket_document(columns: Mapping[Any, Any]) -> dict[str, Any]:
    """The ticket object as JSON-ready data, from the tickets table's columns by name:
    what `TicketOut.model_validate(...).model_dump(mode="json")` makes, without
    validating what the database already holds (a few microseconds instead of ~30 per
    ticket; tested equal)."""
    return {
        "id": str(columns["id"]),
        "subject": columns["subject"],
        "description": columns["description"],
        "status": columns["status"],
        "priority": columns["priority"],
        "requester_email": columns["requester_email"],
        "external_provider": columns["external_provider"],
        "external_ticket_id": columns["external_ticket_id"],
        "external_ticket_url": columns["external_ticket_url"],
        "external_sync_status": columns["external_sync_status"],
        "external_sync_error": columns["external_sync_error"],
        "metadata": dict(columns["metadata"] or {}),
        "category": columns["category"],
        "ai_suggested_response": columns["ai_suggested_response"],
        "confidence_score": columns["confidence_score"],
        "custom_fields": dict(columns["custom_fields"] or {}),
        "group_id": _id_or_none(columns["group_id"]),
        "assignee_id": _id_or_none(columns["assignee_id"]),
        "sla": columns["sla"],
        "created_at": instant(columns["created_at"]),
        "updated_at": instant(columns["updated_at"]),
    }


# The ticket object's fields, in its order.
TICKET_FIELDS = tuple(TicketOut.model_fields)


def ready_ticket_document(columns: Mapping[str, Any]) -> dict[str, Any]:
    """`ticket_document` of JSON-ready columns (servicedesk.db.ready): the same object,
    nothing left to render."""
    document = {field: columns[field] for field in TICKET_FIELDS}
    for field in ("metadata", "custom_fields"):
        if document[field] is None:
            document[field] = {}
    return document


def _id_or_none(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


class TicketList(BaseModel):
    """A page of tickets in the resource-named envelope."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    tickets: list[TicketOut]
    total: int = Field(description="Tickets matching the filters, over all pages")
    limit: int
    offset: int
    next_cursor: str | None = Field(
        default=None,
        description="Pass as `cursor` for the next page (stable while tickets are added); "
        "null on the last page.",
    )


NOTE_MAX = 65_536


class NoteCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"body": "Restarted the VPN concentrator; please try again.", "private": False}
            ]
        }
    )

    body: Annotated[
        str,
        Field(
            min_length=1,
            max_length=NOTE_MAX,
            json_schema_extra={"pattern": r"\S"},  # some text, not only whitespace
        ),
        Storable,
        NotBlank,
    ]
    private: bool = Field(
        default=True,
        description="true: a note for agents (the default, as in Freshservice); false: a "
        "reply to the requester.",
    )


class AttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    ticket_id: uuid.UUID
    note_id: uuid.UUID | None = Field(
        description="The note that carries it; null for a file of the mail that opened the ticket."
    )
    filename: str
    content_type: str = Field(description="As the uploader or the mail declared it.")
    size: int = Field(description="In bytes.")
    content_id: str | None = Field(
        description="An inline image's Content-ID (without the angle brackets), which "
        "the mail's HTML referred to as `cid:…`; null otherwise."
    )
    content_url: str = Field(
        description="Where its bytes are downloaded (`GET /api/v1/attachments/{id}`), "
        "always as a file, never shown inline."
    )
    created_at: datetime


class AttachmentList(BaseModel):
    attachments: list[AttachmentOut]


class NoteOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_serialization_defaults_required=True
    )

    id: uuid.UUID
    ticket_id: uuid.UUID
    body: str
    private: bool
    author: str = Field(description="The API key that wrote it (`key_…`).")
    created_at: datetime
    attachments: list[AttachmentOut] = Field(
        default_factory=list, description="The files sent with the note, in their order."
    )


class NoteList(BaseModel):
    notes: list[NoteOut]
    total: int
    limit: int
    offset: int

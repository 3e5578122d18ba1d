"""Bodies of /api/v1/tickets/{id}/notes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from servicedesk.tickets.schemas import Storable

NOTE_MAX = 65_536


class NoteCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"body": "Restarted the VPN concentrator; please try again.", "private": False}
            ]
        }
    )

    body: Annotated[str, Field(min_length=1, max_length=NOTE_MAX), Storable]
    private: bool = Field(
        default=True,
        description="true: a note for agents (the default, as in Freshservice); false: a "
        "reply to the requester.",
    )


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    ticket_id: uuid.UUID
    body: str
    private: bool
    author: str = Field(description="The API key that wrote it (`key_…`).")
    created_at: datetime


class NoteList(BaseModel):
    notes: list[NoteOut]
    total: int
    limit: int
    offset: int

"""Request and response bodies of /api/v1/users and /api/v1/groups."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from servicedesk.validation import Storable


class UserRole(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"


Role = UserRole
# The CLI's name for it.
RoleName = UserRole


GroupName = Annotated[str, Field(min_length=1, max_length=100), Storable]
MEMBERS_MAX = 1000


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    name: str
    role: Role = Field(description="`admin`: every console page; `agent`: tickets and the KB")
    active: bool = Field(description="A disabled user cannot sign in or be assigned")
    created_at: datetime
    updated_at: datetime


class UserList(BaseModel):
    users: list[UserOut]
    total: int
    limit: int
    offset: int


class GroupCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "Network", "member_ids": []}]}
    )

    name: GroupName
    member_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=MEMBERS_MAX,
        description="Users of this tenant (active or not) who belong to the group",
    )
    round_robin: bool = Field(
        default=False,
        description="New tickets that arrive in the group without an assignee are "
        "assigned to its active members in turn",
    )


class GroupUpdate(BaseModel):
    name: GroupName | None = None
    member_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=MEMBERS_MAX, description="Replaces the members"
    )
    round_robin: bool | None = None


class GroupOut(BaseModel):
    id: uuid.UUID
    name: str
    member_ids: list[uuid.UUID]
    round_robin: bool
    created_at: datetime
    updated_at: datetime


class GroupList(BaseModel):
    groups: list[GroupOut]
    total: int
    limit: int
    offset: int

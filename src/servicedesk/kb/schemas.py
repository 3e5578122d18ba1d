"""Bodies of /api/v1/kb/articles."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from servicedesk.validation import Category, Storable

TITLE_MAX = 255
BODY_MAX = 65_536
MAX_TAGS = 20

Title = Annotated[str, Field(min_length=1, max_length=TITLE_MAX), Storable]
Body = Annotated[str, Field(min_length=1, max_length=BODY_MAX), Storable]
Tag = Annotated[str, Field(min_length=1, max_length=50), Storable]


def _unique(tags: list[str] | None) -> list[str] | None:
    return list(dict.fromkeys(tags)) if tags is not None else None


class ArticleCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Reset your VPN connection",
                    "body": "Open the VPN client, choose Disconnect, then sign in again "
                    "with your network password and the code from your authenticator.",
                    "category": "Network",
                    "tags": ["vpn", "remote"],
                }
            ]
        }
    )

    title: Title
    body: Body = Field(description="The answer; it is what triage suggests as the reply.")
    category: Category | None = None
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS)] = Field(default_factory=list)

    _unique_tags = field_validator("tags")(_unique)


class ArticleUpdate(BaseModel):
    """PATCH: omitted fields stay; `category: null` clears it; title, body and tags
    cannot be null (422), as on create."""

    title: Title | None = None
    body: Body | None = None
    category: Category | None = None
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS)] | None = None

    _unique_tags = field_validator("tags")(_unique)

    @field_validator("title", "body", "tags")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Runs only for fields the body names: omitted ones keep their None default.
        if value is None:
            raise ValueError("may be omitted, but not null")
        return value


class ArticleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    body: str
    category: str | None
    tags: list[str]
    created_at: datetime
    updated_at: datetime


class ArticleList(BaseModel):
    articles: list[ArticleOut]
    total: int
    limit: int
    offset: int

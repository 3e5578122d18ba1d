"""Request and response bodies of /api/v1/configuration/triage."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from servicedesk.triage.starter import DEFAULT_CATEGORIES
from servicedesk.validation import Category, Storable

DEFAULT_THRESHOLD = 0.7
# Categories whose tickets a person always sees, unless the tenant says otherwise.
DEFAULT_NEVER_AUTO_RESOLVE = ("Security",)
MAX_CATEGORIES = 100
DESCRIPTION_MAX = 2_000
MAX_RETRAIN_EVERY = 100_000

Description = Annotated[str, Field(min_length=1, max_length=DESCRIPTION_MAX), Storable]


class TriageEngine(StrEnum):
    LOCAL = "local"
    LLM = "llm"


Engine = TriageEngine


class TriageConfigIn(BaseModel):
    """PUT /api/v1/configuration/triage: the whole configuration; an omitted field takes
    its default."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "categories": list(DEFAULT_CATEGORIES),
                    "auto_routing": True,
                    "threshold": 0.8,
                    "never_auto_resolve": ["Security", "Access Management"],
                    "engine": "local",
                    "category_descriptions": {
                        "Printing": "Printers, scanners, toner, print queues and drivers."
                    },
                    "retrain_every": 50,
                }
            ]
        },
    )

    categories: Annotated[list[Category], Field(min_length=1, max_length=MAX_CATEGORIES)] = Field(
        default_factory=lambda: list(DEFAULT_CATEGORIES),
        description="The categories triage may assign.",
    )
    auto_routing: bool = Field(
        default=False,
        description="Route new tickets: `ai_resolved` at or above `threshold`, else "
        "`pending_agent`. Off: a new ticket stays `open`.",
    )
    threshold: float = Field(
        default=DEFAULT_THRESHOLD,
        ge=0.0,
        le=1.0,
        description="The confidence a ticket needs to be `ai_resolved`.",
    )
    never_auto_resolve: list[Category] | None = Field(
        default=None,
        description="Categories always routed to `pending_agent`. Omitted: `Security`, if "
        "it is one of `categories`.",
    )
    engine: Engine = Field(
        default=TriageEngine.LOCAL,
        description="`local` (the default, no network) or `llm` (an OpenAI-compatible "
        "endpoint refines each ticket in the background; needs SERVICEDESK_LLM_BASE_URL).",
    )
    category_groups: dict[Category, uuid.UUID] = Field(
        default_factory=dict,
        description="A category → a group of the tenant (/api/v1/groups): a new ticket "
        "triage puts in that category, and that is in no group yet, is routed there.",
    )
    category_descriptions: dict[Category, Description] = Field(
        default_factory=dict,
        description="A category → what it covers, in a sentence or a few keywords. Each "
        "is a training example of its category, as are the knowledge-base articles filed "
        "under it: a category that no ticket has taught yet is still recognised.",
    )
    retrain_every: int | None = Field(
        default=None,
        ge=1,
        le=MAX_RETRAIN_EVERY,
        description="Train the tenant's model again in the background after this many "
        "new category overrides by agents, and use it from the next ticket on (the "
        "previous version stays, for a rollback). Null: only `servicedesk triage train`.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> TriageConfigIn:
        if len(set(self.categories)) != len(self.categories):
            raise ValueError("categories must be unique")
        if self.never_auto_resolve is None:
            self.never_auto_resolve = [
                name for name in DEFAULT_NEVER_AUTO_RESOLVE if name in self.categories
            ]
        unknown = sorted(set(self.never_auto_resolve) - set(self.categories))
        if unknown:
            raise ValueError(f"never_auto_resolve names unknown categories: {', '.join(unknown)}")
        unrouted = sorted(set(self.category_groups) - set(self.categories))
        if unrouted:
            raise ValueError(f"category_groups names unknown categories: {', '.join(unrouted)}")
        undescribed = sorted(set(self.category_descriptions) - set(self.categories))
        if undescribed:
            raise ValueError(
                f"category_descriptions names unknown categories: {', '.join(undescribed)}"
            )
        return self


class ModelOut(BaseModel):
    version: int | None = Field(description="The tenant's model version; null: the starter.")
    name: str
    labels: list[str]
    n_train: int
    trained_at: datetime | None


class TriageConfigOut(BaseModel):
    categories: list[str]
    auto_routing: bool
    threshold: float
    never_auto_resolve: list[str]
    engine: Engine
    category_groups: dict[str, uuid.UUID]
    category_descriptions: dict[str, str]
    retrain_every: int | None
    model: ModelOut


def out(config: Any, model: ModelOut) -> TriageConfigOut:
    return TriageConfigOut(
        categories=list(config.categories),
        auto_routing=config.auto_routing,
        threshold=config.threshold,
        never_auto_resolve=list(config.never_auto_resolve),
        engine=config.engine,
        category_groups=dict(config.category_groups),
        category_descriptions=dict(config.category_descriptions),
        retrain_every=config.retrain_every,
        model=model,
    )

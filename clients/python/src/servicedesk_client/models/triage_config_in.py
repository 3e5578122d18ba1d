from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.triage_engine import TriageEngine
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.triage_config_in_category_descriptions import (
        TriageConfigInCategoryDescriptions,
    )
    from ..models.triage_config_in_category_groups import TriageConfigInCategoryGroups


T = TypeVar("T", bound="TriageConfigIn")


@_attrs_define
class TriageConfigIn:
    """PUT /api/v1/configuration/triage: the whole configuration; an omitted field takes
    its default.

        Attributes:
            categories (list[str] | Unset): The categories triage may assign.
            auto_routing (bool | Unset): Route new tickets: `ai_resolved` at or above `threshold`, else `pending_agent`.
                Off: a new ticket stays `open`. Default: False.
            threshold (float | Unset): The confidence a ticket needs to be `ai_resolved`. Default: 0.7.
            never_auto_resolve (list[str] | None | Unset): Categories always routed to `pending_agent`. Omitted: `Security`,
                if it is one of `categories`.
            engine (TriageEngine | Unset):
            category_groups (TriageConfigInCategoryGroups | Unset): A category → a group of the tenant (/api/v1/groups): a
                new ticket triage puts in that category, and that is in no group yet, is routed there.
            category_descriptions (TriageConfigInCategoryDescriptions | Unset): A category → what it covers, in a sentence
                or a few keywords. Each is a training example of its category, as are the knowledge-base articles filed under
                it: a category that no ticket has taught yet is still recognised.
            retrain_every (int | None | Unset): Train the tenant's model again in the background after this many new
                category overrides by agents, and use it from the next ticket on (the previous version stays, for a rollback).
                Null: only `servicedesk triage train`.
    """

    categories: list[str] | Unset = UNSET
    auto_routing: bool | Unset = False
    threshold: float | Unset = 0.7
    never_auto_resolve: list[str] | None | Unset = UNSET
    engine: TriageEngine | Unset = UNSET
    category_groups: TriageConfigInCategoryGroups | Unset = UNSET
    category_descriptions: TriageConfigInCategoryDescriptions | Unset = UNSET
    retrain_every: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        categories: list[str] | Unset = UNSET
        if not isinstance(self.categories, Unset):
            categories = self.categories

        auto_routing = self.auto_routing

        threshold = self.threshold

        never_auto_resolve: list[str] | None | Unset
        if isinstance(self.never_auto_resolve, Unset):
            never_auto_resolve = UNSET
        elif isinstance(self.never_auto_resolve, list):
            never_auto_resolve = self.never_auto_resolve

        else:
            never_auto_resolve = self.never_auto_resolve

        engine: str | Unset = UNSET
        if not isinstance(self.engine, Unset):
            engine = self.engine.value

        category_groups: dict[str, Any] | Unset = UNSET
        if not isinstance(self.category_groups, Unset):
            category_groups = self.category_groups.to_dict()

        category_descriptions: dict[str, Any] | Unset = UNSET
        if not isinstance(self.category_descriptions, Unset):
            category_descriptions = self.category_descriptions.to_dict()

        retrain_every: int | None | Unset
        if isinstance(self.retrain_every, Unset):
            retrain_every = UNSET
        else:
            retrain_every = self.retrain_every

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if categories is not UNSET:
            field_dict["categories"] = categories
        if auto_routing is not UNSET:
            field_dict["auto_routing"] = auto_routing
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if never_auto_resolve is not UNSET:
            field_dict["never_auto_resolve"] = never_auto_resolve
        if engine is not UNSET:
            field_dict["engine"] = engine
        if category_groups is not UNSET:
            field_dict["category_groups"] = category_groups
        if category_descriptions is not UNSET:
            field_dict["category_descriptions"] = category_descriptions
        if retrain_every is not UNSET:
            field_dict["retrain_every"] = retrain_every

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.triage_config_in_category_descriptions import (
            TriageConfigInCategoryDescriptions,  # noqa: PLC0415
        )
        from ..models.triage_config_in_category_groups import (
            TriageConfigInCategoryGroups,  # noqa: PLC0415
        )

        d = dict(src_dict)
        categories = cast(list[str], d.pop("categories", UNSET))

        auto_routing = d.pop("auto_routing", UNSET)

        threshold = d.pop("threshold", UNSET)

        def _parse_never_auto_resolve(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                never_auto_resolve_type_0 = cast(list[str], data)

                return never_auto_resolve_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        never_auto_resolve = _parse_never_auto_resolve(d.pop("never_auto_resolve", UNSET))

        _engine = d.pop("engine", UNSET)
        engine: TriageEngine | Unset
        if isinstance(_engine, Unset):
            engine = UNSET
        else:
            engine = TriageEngine(_engine)

        _category_groups = d.pop("category_groups", UNSET)
        category_groups: TriageConfigInCategoryGroups | Unset
        if isinstance(_category_groups, Unset):
            category_groups = UNSET
        else:
            category_groups = TriageConfigInCategoryGroups.from_dict(_category_groups)

        _category_descriptions = d.pop("category_descriptions", UNSET)
        category_descriptions: TriageConfigInCategoryDescriptions | Unset
        if isinstance(_category_descriptions, Unset):
            category_descriptions = UNSET
        else:
            category_descriptions = TriageConfigInCategoryDescriptions.from_dict(
                _category_descriptions
            )

        def _parse_retrain_every(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        retrain_every = _parse_retrain_every(d.pop("retrain_every", UNSET))

        triage_config_in = cls(
            categories=categories,
            auto_routing=auto_routing,
            threshold=threshold,
            never_auto_resolve=never_auto_resolve,
            engine=engine,
            category_groups=category_groups,
            category_descriptions=category_descriptions,
            retrain_every=retrain_every,
        )

        return triage_config_in

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.triage_engine import TriageEngine
from ..types import UNSET, Unset

if TYPE_CHECKING:
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
    """

    categories: list[str] | Unset = UNSET
    auto_routing: bool | Unset = False
    threshold: float | Unset = 0.7
    never_auto_resolve: list[str] | None | Unset = UNSET
    engine: TriageEngine | Unset = UNSET
    category_groups: TriageConfigInCategoryGroups | Unset = UNSET

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

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
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

        triage_config_in = cls(
            categories=categories,
            auto_routing=auto_routing,
            threshold=threshold,
            never_auto_resolve=never_auto_resolve,
            engine=engine,
            category_groups=category_groups,
        )

        return triage_config_in

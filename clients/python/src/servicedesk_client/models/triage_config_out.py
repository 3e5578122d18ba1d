from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.triage_engine import TriageEngine

if TYPE_CHECKING:
    from ..models.model_out import ModelOut
    from ..models.triage_config_out_category_descriptions import (
        TriageConfigOutCategoryDescriptions,
    )
    from ..models.triage_config_out_category_groups import TriageConfigOutCategoryGroups


T = TypeVar("T", bound="TriageConfigOut")


@_attrs_define
class TriageConfigOut:
    """
    Attributes:
        categories (list[str]):
        auto_routing (bool):
        threshold (float):
        never_auto_resolve (list[str]):
        engine (TriageEngine):
        category_groups (TriageConfigOutCategoryGroups):
        category_descriptions (TriageConfigOutCategoryDescriptions):
        retrain_every (int | None):
        model (ModelOut):
    """

    categories: list[str]
    auto_routing: bool
    threshold: float
    never_auto_resolve: list[str]
    engine: TriageEngine
    category_groups: TriageConfigOutCategoryGroups
    category_descriptions: TriageConfigOutCategoryDescriptions
    retrain_every: int | None
    model: ModelOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        categories = self.categories

        auto_routing = self.auto_routing

        threshold = self.threshold

        never_auto_resolve = self.never_auto_resolve

        engine = self.engine.value

        category_groups = self.category_groups.to_dict()

        category_descriptions = self.category_descriptions.to_dict()

        retrain_every: int | None
        retrain_every = self.retrain_every

        model = self.model.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "categories": categories,
                "auto_routing": auto_routing,
                "threshold": threshold,
                "never_auto_resolve": never_auto_resolve,
                "engine": engine,
                "category_groups": category_groups,
                "category_descriptions": category_descriptions,
                "retrain_every": retrain_every,
                "model": model,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_out import ModelOut  # noqa: PLC0415
        from ..models.triage_config_out_category_descriptions import (
            TriageConfigOutCategoryDescriptions,  # noqa: PLC0415
        )
        from ..models.triage_config_out_category_groups import (
            TriageConfigOutCategoryGroups,  # noqa: PLC0415
        )

        d = dict(src_dict)
        categories = cast(list[str], d.pop("categories"))

        auto_routing = d.pop("auto_routing")

        threshold = d.pop("threshold")

        never_auto_resolve = cast(list[str], d.pop("never_auto_resolve"))

        engine = TriageEngine(d.pop("engine"))

        category_groups = TriageConfigOutCategoryGroups.from_dict(d.pop("category_groups"))

        category_descriptions = TriageConfigOutCategoryDescriptions.from_dict(
            d.pop("category_descriptions")
        )

        def _parse_retrain_every(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        retrain_every = _parse_retrain_every(d.pop("retrain_every"))

        model = ModelOut.from_dict(d.pop("model"))

        triage_config_out = cls(
            categories=categories,
            auto_routing=auto_routing,
            threshold=threshold,
            never_auto_resolve=never_auto_resolve,
            engine=engine,
            category_groups=category_groups,
            category_descriptions=category_descriptions,
            retrain_every=retrain_every,
            model=model,
        )

        triage_config_out.additional_properties = d
        return triage_config_out

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

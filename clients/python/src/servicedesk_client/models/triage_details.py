from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.triage_details_source_type_0 import TriageDetailsSourceType0


T = TypeVar("T", bound="TriageDetails")


@_attrs_define
class TriageDetails:
    """What a `ticket.triaged` event says of the triage behind it.

    Attributes:
        engine (str): `local` or `llm`
        model_version (str):
        category (None | str | Unset):
        category_confidence (float | None | Unset): The category's own confidence
        confidence (float | None | Unset): The routing confidence
        suggested_priority (None | str | Unset):
        source (None | TriageDetailsSourceType0 | Unset): The knowledge the suggested reply came from
        notes (list[str] | None | Unset):
    """

    engine: str
    model_version: str
    category: None | str | Unset = UNSET
    category_confidence: float | None | Unset = UNSET
    confidence: float | None | Unset = UNSET
    suggested_priority: None | str | Unset = UNSET
    source: None | TriageDetailsSourceType0 | Unset = UNSET
    notes: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.triage_details_source_type_0 import TriageDetailsSourceType0  # noqa: PLC0415

        engine = self.engine

        model_version = self.model_version

        category: None | str | Unset
        if isinstance(self.category, Unset):
            category = UNSET
        else:
            category = self.category

        category_confidence: float | None | Unset
        if isinstance(self.category_confidence, Unset):
            category_confidence = UNSET
        else:
            category_confidence = self.category_confidence

        confidence: float | None | Unset
        if isinstance(self.confidence, Unset):
            confidence = UNSET
        else:
            confidence = self.confidence

        suggested_priority: None | str | Unset
        if isinstance(self.suggested_priority, Unset):
            suggested_priority = UNSET
        else:
            suggested_priority = self.suggested_priority

        source: dict[str, Any] | None | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        elif isinstance(self.source, TriageDetailsSourceType0):
            source = self.source.to_dict()
        else:
            source = self.source

        notes: list[str] | None | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        elif isinstance(self.notes, list):
            notes = self.notes

        else:
            notes = self.notes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "engine": engine,
                "model_version": model_version,
            }
        )
        if category is not UNSET:
            field_dict["category"] = category
        if category_confidence is not UNSET:
            field_dict["category_confidence"] = category_confidence
        if confidence is not UNSET:
            field_dict["confidence"] = confidence
        if suggested_priority is not UNSET:
            field_dict["suggested_priority"] = suggested_priority
        if source is not UNSET:
            field_dict["source"] = source
        if notes is not UNSET:
            field_dict["notes"] = notes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.triage_details_source_type_0 import TriageDetailsSourceType0  # noqa: PLC0415

        d = dict(src_dict)
        engine = d.pop("engine")

        model_version = d.pop("model_version")

        def _parse_category(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        category = _parse_category(d.pop("category", UNSET))

        def _parse_category_confidence(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        category_confidence = _parse_category_confidence(d.pop("category_confidence", UNSET))

        def _parse_confidence(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        confidence = _parse_confidence(d.pop("confidence", UNSET))

        def _parse_suggested_priority(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        suggested_priority = _parse_suggested_priority(d.pop("suggested_priority", UNSET))

        def _parse_source(data: object) -> None | TriageDetailsSourceType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                source_type_0 = TriageDetailsSourceType0.from_dict(data)

                return source_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TriageDetailsSourceType0 | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        def _parse_notes(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                notes_type_0 = cast(list[str], data)

                return notes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))

        triage_details = cls(
            engine=engine,
            model_version=model_version,
            category=category,
            category_confidence=category_confidence,
            confidence=confidence,
            suggested_priority=suggested_priority,
            source=source,
            notes=notes,
        )

        triage_details.additional_properties = d
        return triage_details

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

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ModelOut")


@_attrs_define
class ModelOut:
    """
    Attributes:
        version (int | None): The tenant's model version; null: the starter.
        name (str):
        labels (list[str]):
        n_train (int):
        trained_at (datetime.datetime | None):
    """

    version: int | None
    name: str
    labels: list[str]
    n_train: int
    trained_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        version: int | None
        version = self.version

        name = self.name

        labels = self.labels

        n_train = self.n_train

        trained_at: None | str
        if isinstance(self.trained_at, datetime.datetime):
            trained_at = self.trained_at.isoformat()
        else:
            trained_at = self.trained_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "version": version,
                "name": name,
                "labels": labels,
                "n_train": n_train,
                "trained_at": trained_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        version = _parse_version(d.pop("version"))

        name = d.pop("name")

        labels = cast(list[str], d.pop("labels"))

        n_train = d.pop("n_train")

        def _parse_trained_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                trained_at_type_0 = datetime.datetime.fromisoformat(data)

                return trained_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        trained_at = _parse_trained_at(d.pop("trained_at"))

        model_out = cls(
            version=version,
            name=name,
            labels=labels,
            n_train=n_train,
            trained_at=trained_at,
        )

        model_out.additional_properties = d
        return model_out

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

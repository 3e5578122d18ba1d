from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.custom_field_type import CustomFieldType
from ..types import UNSET, Unset

T = TypeVar("T", bound="CustomFieldCreate")


@_attrs_define
class CustomFieldCreate:
    """
    Attributes:
        name (str): Machine name, unique in the tenant: the key in a ticket's `custom_fields`.
        label (str):
        type_ (CustomFieldType):
        required (bool | Unset):  Default: False.
        choices (list[str] | None | Unset):
        default_value (Any | Unset):
    """

    name: str
    label: str
    type_: CustomFieldType
    required: bool | Unset = False
    choices: list[str] | None | Unset = UNSET
    default_value: Any | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        label = self.label

        type_ = self.type_.value

        required = self.required

        choices: list[str] | None | Unset
        if isinstance(self.choices, Unset):
            choices = UNSET
        elif isinstance(self.choices, list):
            choices = self.choices

        else:
            choices = self.choices

        default_value = self.default_value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "label": label,
                "type": type_,
            }
        )
        if required is not UNSET:
            field_dict["required"] = required
        if choices is not UNSET:
            field_dict["choices"] = choices
        if default_value is not UNSET:
            field_dict["default_value"] = default_value

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        label = d.pop("label")

        type_ = CustomFieldType(d.pop("type"))

        required = d.pop("required", UNSET)

        def _parse_choices(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                choices_type_0 = cast(list[str], data)

                return choices_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        choices = _parse_choices(d.pop("choices", UNSET))

        default_value = d.pop("default_value", UNSET)

        custom_field_create = cls(
            name=name,
            label=label,
            type_=type_,
            required=required,
            choices=choices,
            default_value=default_value,
        )

        return custom_field_create

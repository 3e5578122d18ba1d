from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.ticket_priority import TicketPriority
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.conditions_custom_fields_type_0 import ConditionsCustomFieldsType0


T = TypeVar("T", bound="Conditions")


@_attrs_define
class Conditions:
    """Each condition given must match (any of its values); none given: every ticket.

    Attributes:
        priority (list[TicketPriority] | None | Unset):
        category (list[str] | None | Unset):
        group_id (list[UUID] | None | Unset):
        requester_domain (list[str] | None | Unset): The requester's e-mail domain, e.g. example.com
        custom_fields (ConditionsCustomFieldsType0 | None | Unset): A custom field's value is one of these
    """

    priority: list[TicketPriority] | None | Unset = UNSET
    category: list[str] | None | Unset = UNSET
    group_id: list[UUID] | None | Unset = UNSET
    requester_domain: list[str] | None | Unset = UNSET
    custom_fields: ConditionsCustomFieldsType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.conditions_custom_fields_type_0 import ConditionsCustomFieldsType0  # noqa: PLC0415

        priority: list[str] | None | Unset
        if isinstance(self.priority, Unset):
            priority = UNSET
        elif isinstance(self.priority, list):
            priority = []
            for priority_type_0_item_data in self.priority:
                priority_type_0_item = priority_type_0_item_data.value
                priority.append(priority_type_0_item)

        else:
            priority = self.priority

        category: list[str] | None | Unset
        if isinstance(self.category, Unset):
            category = UNSET
        elif isinstance(self.category, list):
            category = self.category

        else:
            category = self.category

        group_id: list[str] | None | Unset
        if isinstance(self.group_id, Unset):
            group_id = UNSET
        elif isinstance(self.group_id, list):
            group_id = []
            for group_id_type_0_item_data in self.group_id:
                group_id_type_0_item = str(group_id_type_0_item_data)
                group_id.append(group_id_type_0_item)

        else:
            group_id = self.group_id

        requester_domain: list[str] | None | Unset
        if isinstance(self.requester_domain, Unset):
            requester_domain = UNSET
        elif isinstance(self.requester_domain, list):
            requester_domain = self.requester_domain

        else:
            requester_domain = self.requester_domain

        custom_fields: dict[str, Any] | None | Unset
        if isinstance(self.custom_fields, Unset):
            custom_fields = UNSET
        elif isinstance(self.custom_fields, ConditionsCustomFieldsType0):
            custom_fields = self.custom_fields.to_dict()
        else:
            custom_fields = self.custom_fields

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if priority is not UNSET:
            field_dict["priority"] = priority
        if category is not UNSET:
            field_dict["category"] = category
        if group_id is not UNSET:
            field_dict["group_id"] = group_id
        if requester_domain is not UNSET:
            field_dict["requester_domain"] = requester_domain
        if custom_fields is not UNSET:
            field_dict["custom_fields"] = custom_fields

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.conditions_custom_fields_type_0 import ConditionsCustomFieldsType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_priority(data: object) -> list[TicketPriority] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                priority_type_0 = []
                _priority_type_0 = data
                for priority_type_0_item_data in _priority_type_0:
                    priority_type_0_item = TicketPriority(priority_type_0_item_data)

                    priority_type_0.append(priority_type_0_item)

                return priority_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[TicketPriority] | None | Unset, data)

        priority = _parse_priority(d.pop("priority", UNSET))

        def _parse_category(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                category_type_0 = cast(list[str], data)

                return category_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        category = _parse_category(d.pop("category", UNSET))

        def _parse_group_id(data: object) -> list[UUID] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                group_id_type_0 = []
                _group_id_type_0 = data
                for group_id_type_0_item_data in _group_id_type_0:
                    group_id_type_0_item = UUID(group_id_type_0_item_data)

                    group_id_type_0.append(group_id_type_0_item)

                return group_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[UUID] | None | Unset, data)

        group_id = _parse_group_id(d.pop("group_id", UNSET))

        def _parse_requester_domain(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                requester_domain_type_0 = cast(list[str], data)

                return requester_domain_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        requester_domain = _parse_requester_domain(d.pop("requester_domain", UNSET))

        def _parse_custom_fields(data: object) -> ConditionsCustomFieldsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                custom_fields_type_0 = ConditionsCustomFieldsType0.from_dict(data)

                return custom_fields_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConditionsCustomFieldsType0 | None | Unset, data)

        custom_fields = _parse_custom_fields(d.pop("custom_fields", UNSET))

        conditions = cls(
            priority=priority,
            category=category,
            group_id=group_id,
            requester_domain=requester_domain,
            custom_fields=custom_fields,
        )

        return conditions

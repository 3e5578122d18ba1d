from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MailTemplates")


@_attrs_define
class MailTemplates:
    """Jinja2 templates the tenant's mail is written from instead of the shipped ones
    (null: the shipped one). Variables: `marker`, `kind` (`reply`, `ai_reply`,
    `acknowledgement`), `body`, `subject`, `token`, `sender_name`, `left_out` (files too
    large to attach). Checked when set; the HTML one escapes every value.

        Attributes:
            text (None | str | Unset):
            html (None | str | Unset):
    """

    text: None | str | Unset = UNSET
    html: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        text: None | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text

        html: None | str | Unset
        if isinstance(self.html, Unset):
            html = UNSET
        else:
            html = self.html

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if text is not UNSET:
            field_dict["text"] = text
        if html is not UNSET:
            field_dict["html"] = html

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))

        def _parse_html(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        html = _parse_html(d.pop("html", UNSET))

        mail_templates = cls(
            text=text,
            html=html,
        )

        return mail_templates

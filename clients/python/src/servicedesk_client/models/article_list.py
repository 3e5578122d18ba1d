from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.article_out import ArticleOut


T = TypeVar("T", bound="ArticleList")


@_attrs_define
class ArticleList:
    """
    Attributes:
        articles (list[ArticleOut]):
        total (int):
        limit (int):
        offset (int):
    """

    articles: list[ArticleOut]
    total: int
    limit: int
    offset: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        articles = []
        for articles_item_data in self.articles:
            articles_item = articles_item_data.to_dict()
            articles.append(articles_item)

        total = self.total

        limit = self.limit

        offset = self.offset

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "articles": articles,
                "total": total,
                "limit": limit,
                "offset": offset,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.article_out import ArticleOut  # noqa: PLC0415

        d = dict(src_dict)
        articles = []
        _articles = d.pop("articles")
        for articles_item_data in _articles:
            articles_item = ArticleOut.from_dict(articles_item_data)

            articles.append(articles_item)

        total = d.pop("total")

        limit = d.pop("limit")

        offset = d.pop("offset")

        article_list = cls(
            articles=articles,
            total=total,
            limit=limit,
            offset=offset,
        )

        article_list.additional_properties = d
        return article_list

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

"""servicedesk.http: reading a query string into a model, as FastAPI reads a parameter."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.datastructures import QueryParams

from servicedesk.http import read_query


class Sample(BaseModel):
    size: int = Field(20, ge=1)
    tags: list[str] | None = Field(None, max_length=2)
    name: str | None = None


def test_a_list_field_takes_every_value_any_other_field_the_last() -> None:
    errors: list[dict[str, Any]] = []
    read = read_query(Sample, QueryParams("size=3&size=4&tags=a&tags=b&other=x"), errors)

    assert read == Sample(size=4, tags=["a", "b"])
    assert errors == []


def test_fields_not_sent_keep_their_defaults_and_an_empty_value_is_sent() -> None:
    errors: list[dict[str, Any]] = []

    assert read_query(Sample, QueryParams(""), errors) == Sample()
    assert read_query(Sample, QueryParams("name="), errors) == Sample(name="")
    assert errors == []


def test_failed_checks_are_added_located_in_the_model_and_nothing_is_returned() -> None:
    errors: list[dict[str, Any]] = [{"kept": True}]
    read = read_query(Sample, QueryParams("size=0&tags=a&tags=b&tags=c"), errors)

    assert read is None
    assert errors[0] == {"kept": True}
    assert [(error["loc"], error["type"]) for error in errors[1:]] == [
        (("size",), "greater_than_equal"),
        (("tags",), "too_long"),
    ]

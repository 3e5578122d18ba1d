"""From a `*_detailed` call's response to the model you asked for, or an `ApiError`.

    ticket = unwrap(create_ticket.sync_detailed(client=client, body=new), TicketOut)

The generated functions return the success model or one of the documented error
bodies; `unwrap` returns the first and raises the second, with the status, the parsed
body, the request id and `Retry-After`, so that callers branch on exceptions rather
than on a union.
"""

from __future__ import annotations

from typing import Any, TypeVar

from servicedesk_client.connection import retry_after_header
from servicedesk_client.models import (
    AuthErrorBody,
    DetailBody,
    NoValidFieldsBody,
    ValidationErrorBody,
)
from servicedesk_client.types import Response

T = TypeVar("T")

ErrorBody = AuthErrorBody | DetailBody | NoValidFieldsBody | ValidationErrorBody
ERROR_BODIES = (AuthErrorBody, DetailBody, NoValidFieldsBody, ValidationErrorBody)


class ApiError(Exception):
    """A response other than the one asked for (any status the server answered)."""

    def __init__(self, response: Response[Any]) -> None:
        self.status_code = int(response.status_code)
        parsed = response.parsed
        self.body: ErrorBody | None = parsed if isinstance(parsed, ERROR_BODIES) else None
        self.headers = dict(response.headers)
        self.request_id: str | None = response.headers.get("X-Request-ID")
        self.retry_after: float | None = retry_after_header(response.headers)
        self.content = response.content
        super().__init__(f"{self.status_code}: {self.message}")

    @property
    def message(self) -> str:
        """The body's message: `detail` or `message`, or the raw content."""
        body = self.body
        if isinstance(body, DetailBody | NoValidFieldsBody):
            return str(body.detail)
        if isinstance(body, AuthErrorBody):
            return body.message
        if isinstance(body, ValidationErrorBody):
            return "; ".join(
                f"{'.'.join(str(part) for part in item.loc)}: {item.msg}" for item in body.detail
            )
        return self.content.decode(errors="replace")[:500]


def unwrap(response: Response[Any], expected: type[T]) -> T:
    """The parsed body when it is an `expected` (a 2xx); an `ApiError` otherwise."""
    parsed = response.parsed
    if 200 <= response.status_code < 300 and isinstance(parsed, expected):
        return parsed
    raise ApiError(response)


def check(response: Response[Any]) -> None:
    """For calls without a body to return (a 204 delete): an `ApiError` unless 2xx."""
    if not 200 <= response.status_code < 300:
        raise ApiError(response)

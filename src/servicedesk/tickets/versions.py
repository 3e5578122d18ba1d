"""A ticket's version, for optimistic concurrency (RFC 9110 sections 8.8.3 and 13.1.1).

The version is the ticket's `updated_at` as the API renders it: every change and every
note moves it, even two within one clock tick (`documents.later_than`), so it names one
state of the ticket. Every answer that is a ticket carries it as a strong `ETag`; a
`PATCH` or a note sent with `If-Match` is made only while the ticket still has a version
it names (`*`: any), checked under the ticket's row lock, else 412 with the ticket as it
now is. Without `If-Match` a write goes ahead as it always did (the seed contract)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicedesk.db.ready import instant
from servicedesk.errors import ApiError
from servicedesk.tickets.documents import ticket_document
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.schemas import TicketOut

ANY = "*"


def etag_of(document: dict[str, Any]) -> str:
    """The `ETag` of a ticket as the API returns it."""
    return f'"{document["updated_at"]}"'


def etag_header(document: dict[str, Any]) -> dict[str, str]:
    return {"ETag": etag_of(document)}


@dataclass(frozen=True, slots=True)
class Expected:
    """The versions an `If-Match` names (strong ones: a weak `W/` tag never matches)."""

    tags: frozenset[str]

    @classmethod
    def of_header(cls, value: str | None) -> Expected | None:
        if value is None:
            return None
        tags = frozenset(tag.strip() for tag in value.split(",") if tag.strip())
        return cls(tags)

    def allows(self, ticket: Ticket) -> bool:
        return ANY in self.tags or f'"{instant(ticket.updated_at)}"' in self.tags


class TicketChanged(ApiError):
    """412: the ticket moved on since the version the caller names."""

    status_code = 412
    model = TicketOut
    description = "The ticket changed since the version given in If-Match"

    def __init__(self, current: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.current = current or {}
        self.headers = etag_header(current) if current else None

    def body(self) -> dict[str, Any]:
        return self.current


def check(expected: Expected | None, ticket: Ticket) -> None:
    """Refuse the write when the caller expected another version (under the row lock)."""
    if expected is not None and not expected.allows(ticket):
        raise TicketChanged(ticket_document(ticket))

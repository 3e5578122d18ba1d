"""Reading the list's query string into `TicketFilters`: dates, e-mail, search words,
custom-field filters. A value that cannot be a filter is a 422 naming its parameter."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import Query, Request
from pydantic import WithJsonSchema

from servicedesk.errors import ValidationFailed
from servicedesk.tickets.repository import UNASSIGNED, TicketFilters, search_words
from servicedesk.tickets.schemas import TicketPriority, TicketStatus
from servicedesk.validation import Category, check_email, storable_text

CF_PREFIX = "cf."
SEARCH_MAX = 200


# Read by parse_instant, so that a bare date can mean its whole day; documented as a
# date-time or a date, so that generated clients take either.
InstantText = Annotated[
    str,
    WithJsonSchema(
        {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}
    ),
]

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A "+" in an unencoded query string arrives as a space: "…T10:00:00 02:00".
_SPACE_FOR_PLUS = re.compile(r" (\d{2}:?\d{2})$")


def parse_instant(name: str, raw: str, *, end_of_day: bool) -> datetime:
    text = _SPACE_FOR_PLUS.sub(r"+\1", raw.strip())
    try:
        if _DATE_ONLY.match(text):
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(0), tzinfo=UTC)
            return start + timedelta(days=1, microseconds=-1) if end_of_day else start
        value = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise _query_error(name, "Input should be an ISO 8601 date or datetime", raw) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _query_error(name: str, message: str, raw: str) -> ValidationFailed:
    return ValidationFailed.at(("query", name), message)


async def ticket_filters(
    status: Annotated[TicketStatus | None, Query(description="Any of the six statuses")] = None,
    start_date: Annotated[
        InstantText | None,
        Query(description="ISO 8601; tickets with created_at >= this (naive means UTC)"),
    ] = None,
    end_date: Annotated[
        InstantText | None,
        Query(description="ISO 8601; tickets with created_at <= this (a bare date: that day)"),
    ] = None,
    priority: Annotated[
        TicketPriority | None, Query(description="low, medium, high, urgent")
    ] = None,
    category: Annotated[Category | None, Query(description="Exact category")] = None,
    requester_email: Annotated[
        str | None, Query(max_length=320, description="Tickets of this requester")
    ] = None,
    updated_since: Annotated[
        InstantText | None,
        Query(
            description="ISO 8601; tickets with updated_at >= this: what changed since your "
            "last sync (page with `cursor`)"
        ),
    ] = None,
    group_id: Annotated[uuid.UUID | None, Query(description="Tickets routed to this group")] = None,
    assignee_id: Annotated[
        str | None,
        Query(max_length=36, description="Tickets assigned to this user; `none`: unassigned"),
    ] = None,
    sla_breached: Annotated[
        bool | None,
        Query(description="true: tickets that missed an SLA target; false: with an SLA, none"),
    ] = None,
    sla_due_before: Annotated[
        InstantText | None,
        Query(description="ISO 8601; tickets with an SLA target due (not yet met) before this"),
    ] = None,
    search: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=SEARCH_MAX,
            description="Full-text search over subject, description and notes: tickets with "
            "all the words (stemmed: `printers` finds `printer`), best match first, then "
            "newest. Pages with `offset` (no `next_cursor`).",
        ),
    ] = None,
) -> TicketFilters:
    created_from = parse_instant("start_date", start_date, end_of_day=False) if start_date else None
    created_to = parse_instant("end_date", end_date, end_of_day=True) if end_date else None
    if created_from and created_to and created_from > created_to:
        raise _query_error("end_date", "end_date must not be before start_date", end_date or "")
    return TicketFilters(
        status=status,
        created_from=created_from,
        created_to=created_to,
        priority=priority,
        category=category,
        requester_email=_email_filter(requester_email) if requester_email else None,
        updated_since=(
            parse_instant("updated_since", updated_since, end_of_day=False)
            if updated_since
            else None
        ),
        search=_search_filter(search) if search is not None else None,
        group_id=group_id,
        assignee_id=_assignee_filter(assignee_id) if assignee_id is not None else None,
        sla_breached=sla_breached,
        sla_due_before=(
            parse_instant("sla_due_before", sla_due_before, end_of_day=False)
            if sla_due_before
            else None
        ),
        # Truncated to the second: equal filters of one second share a cached total.
        as_of=datetime.now(UTC).replace(microsecond=0) if sla_breached is not None else None,
    )


def _assignee_filter(raw: str) -> uuid.UUID:
    if raw.strip().lower() == "none":
        return UNASSIGNED
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise _query_error("assignee_id", "Input should be a user's id or none", raw) from None


def _search_filter(raw: str) -> str:
    try:
        text = storable_text(raw)
    except ValueError as error:
        raise _query_error("search", str(error), raw) from None
    if not search_words(text):
        raise _query_error("search", "Search must contain at least one word", raw)
    return text


def _email_filter(raw: str) -> str:
    """The address as stored (normalised the way create normalises it)."""
    try:
        return check_email(raw)
    except ValueError as error:
        raise _query_error("requester_email", str(error), raw) from None


CF_MAX = 20


async def custom_field_params(
    request: Request,
    cf: Annotated[
        list[str] | None,
        Query(
            max_length=CF_MAX,
            description="A custom field's value as `name:value`, repeatable (`cf=department:IT"
            "&cf=tags:vpn`); a multi_select matches tickets whose list holds the value. "
            "`cf.<name>=value` is read too.",
        ),
    ] = None,
) -> list[tuple[str, str]]:
    """The custom-field filters of the query string: every `cf=name:value`, then every
    `cf.<name>=value`, as sent. (async: FastAPI runs a plain function in a thread, and the
    hop cost every list request more than this reading.)"""
    pairs = []
    for raw in cf or ():
        name, colon, value = raw.partition(":")
        if not colon or not name:
            raise _query_error("cf", "Input should be name:value", raw)
        pairs.append((name, value))
    pairs.extend(
        (key.removeprefix(CF_PREFIX), value)
        for key, value in request.query_params.multi_items()
        if key.startswith(CF_PREFIX)
    )
    return pairs

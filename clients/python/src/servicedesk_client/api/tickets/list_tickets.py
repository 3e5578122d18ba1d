import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_error_body import AuthErrorBody
from ...models.detail_body import DetailBody
from ...models.ticket_list import TicketList
from ...models.ticket_order import TicketOrder
from ...models.ticket_priority import TicketPriority
from ...models.ticket_status import TicketStatus
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    cursor: None | str | Unset = UNSET,
    order: TicketOrder | Unset = UNSET,
    status: None | TicketStatus | Unset = UNSET,
    start_date: datetime.date | datetime.datetime | None | Unset = UNSET,
    end_date: datetime.date | datetime.datetime | None | Unset = UNSET,
    priority: None | TicketPriority | Unset = UNSET,
    category: None | str | Unset = UNSET,
    requester_email: None | str | Unset = UNSET,
    updated_since: datetime.date | datetime.datetime | None | Unset = UNSET,
    group_id: None | Unset | UUID = UNSET,
    assignee_id: None | str | Unset = UNSET,
    sla_breached: bool | None | Unset = UNSET,
    sla_due_before: datetime.date | datetime.datetime | None | Unset = UNSET,
    search: None | str | Unset = UNSET,
    cf: list[str] | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["offset"] = offset

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order.value

    params["order"] = json_order

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, TicketStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_start_date: None | str | Unset
    if isinstance(start_date, Unset):
        json_start_date = UNSET
    elif isinstance(start_date, datetime.datetime):
        json_start_date = start_date.isoformat()
    elif isinstance(start_date, datetime.date):
        json_start_date = start_date.isoformat()
    else:
        json_start_date = start_date
    params["start_date"] = json_start_date

    json_end_date: None | str | Unset
    if isinstance(end_date, Unset):
        json_end_date = UNSET
    elif isinstance(end_date, datetime.datetime):
        json_end_date = end_date.isoformat()
    elif isinstance(end_date, datetime.date):
        json_end_date = end_date.isoformat()
    else:
        json_end_date = end_date
    params["end_date"] = json_end_date

    json_priority: None | str | Unset
    if isinstance(priority, Unset):
        json_priority = UNSET
    elif isinstance(priority, TicketPriority):
        json_priority = priority.value
    else:
        json_priority = priority
    params["priority"] = json_priority

    json_category: None | str | Unset
    if isinstance(category, Unset):
        json_category = UNSET
    else:
        json_category = category
    params["category"] = json_category

    json_requester_email: None | str | Unset
    if isinstance(requester_email, Unset):
        json_requester_email = UNSET
    else:
        json_requester_email = requester_email
    params["requester_email"] = json_requester_email

    json_updated_since: None | str | Unset
    if isinstance(updated_since, Unset):
        json_updated_since = UNSET
    elif isinstance(updated_since, datetime.datetime):
        json_updated_since = updated_since.isoformat()
    elif isinstance(updated_since, datetime.date):
        json_updated_since = updated_since.isoformat()
    else:
        json_updated_since = updated_since
    params["updated_since"] = json_updated_since

    json_group_id: None | str | Unset
    if isinstance(group_id, Unset):
        json_group_id = UNSET
    elif isinstance(group_id, UUID):
        json_group_id = str(group_id)
    else:
        json_group_id = group_id
    params["group_id"] = json_group_id

    json_assignee_id: None | str | Unset
    if isinstance(assignee_id, Unset):
        json_assignee_id = UNSET
    else:
        json_assignee_id = assignee_id
    params["assignee_id"] = json_assignee_id

    json_sla_breached: bool | None | Unset
    if isinstance(sla_breached, Unset):
        json_sla_breached = UNSET
    else:
        json_sla_breached = sla_breached
    params["sla_breached"] = json_sla_breached

    json_sla_due_before: None | str | Unset
    if isinstance(sla_due_before, Unset):
        json_sla_due_before = UNSET
    elif isinstance(sla_due_before, datetime.datetime):
        json_sla_due_before = sla_due_before.isoformat()
    elif isinstance(sla_due_before, datetime.date):
        json_sla_due_before = sla_due_before.isoformat()
    else:
        json_sla_due_before = sla_due_before
    params["sla_due_before"] = json_sla_due_before

    json_search: None | str | Unset
    if isinstance(search, Unset):
        json_search = UNSET
    else:
        json_search = search
    params["search"] = json_search

    json_cf: list[str] | None | Unset
    if isinstance(cf, Unset):
        json_cf = UNSET
    elif isinstance(cf, list):
        json_cf = cf

    else:
        json_cf = cf
    params["cf"] = json_cf

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/tickets",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuthErrorBody | DetailBody | TicketList | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = TicketList.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = AuthErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = AuthErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = ValidationErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = DetailBody.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = DetailBody.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AuthErrorBody | DetailBody | TicketList | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    cursor: None | str | Unset = UNSET,
    order: TicketOrder | Unset = UNSET,
    status: None | TicketStatus | Unset = UNSET,
    start_date: datetime.date | datetime.datetime | None | Unset = UNSET,
    end_date: datetime.date | datetime.datetime | None | Unset = UNSET,
    priority: None | TicketPriority | Unset = UNSET,
    category: None | str | Unset = UNSET,
    requester_email: None | str | Unset = UNSET,
    updated_since: datetime.date | datetime.datetime | None | Unset = UNSET,
    group_id: None | Unset | UUID = UNSET,
    assignee_id: None | str | Unset = UNSET,
    sla_breached: bool | None | Unset = UNSET,
    sla_due_before: datetime.date | datetime.datetime | None | Unset = UNSET,
    search: None | str | Unset = UNSET,
    cf: list[str] | None | Unset = UNSET,
) -> Response[AuthErrorBody | DetailBody | TicketList | ValidationErrorBody]:
    """List tickets

     Requires `tickets:read`. Newest first (created_at, then id). Custom fields filter
    as `cf=name:value` or `cf.<name>=value` (repeatable; a multi_select matches tickets
    whose list holds the value).

    Args:
        limit (int | Unset): Results per page Default: 20.
        offset (int | Unset): Number of results to skip (at most 100,000; walk further with
            `cursor`) Default: 0.
        cursor (None | str | Unset): `next_cursor` of the previous page: pages that never repeat
            or skip a ticket while new ones arrive. `offset` then counts from the cursor.
        order (TicketOrder | Unset): How a list of tickets is sorted; only `newest` pages with a
            cursor.
        status (None | TicketStatus | Unset): Any of the six statuses
        start_date (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            created_at >= this (naive means UTC)
        end_date (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            created_at <= this (a bare date: that day)
        priority (None | TicketPriority | Unset): low, medium, high, urgent
        category (None | str | Unset): Exact category
        requester_email (None | str | Unset): Tickets of this requester
        updated_since (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            updated_at >= this: what changed since your last sync (page with `cursor`)
        group_id (None | Unset | UUID): Tickets routed to this group
        assignee_id (None | str | Unset): Tickets assigned to this user; `none`: unassigned
        sla_breached (bool | None | Unset): true: tickets that missed an SLA target; false: with
            an SLA, none
        sla_due_before (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            an SLA target due (not yet met) before this
        search (None | str | Unset): Full-text search over subject, description and notes: tickets
            with all the words (stemmed: `printers` finds `printer`), best match first, then newest.
            Pages with `offset` (no `next_cursor`).
        cf (list[str] | None | Unset): A custom field's value as `name:value`, repeatable
            (`cf=department:IT&cf=tags:vpn`); a multi_select matches tickets whose list holds the
            value. `cf.<name>=value` is read too.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | TicketList | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
        cursor=cursor,
        order=order,
        status=status,
        start_date=start_date,
        end_date=end_date,
        priority=priority,
        category=category,
        requester_email=requester_email,
        updated_since=updated_since,
        group_id=group_id,
        assignee_id=assignee_id,
        sla_breached=sla_breached,
        sla_due_before=sla_due_before,
        search=search,
        cf=cf,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    cursor: None | str | Unset = UNSET,
    order: TicketOrder | Unset = UNSET,
    status: None | TicketStatus | Unset = UNSET,
    start_date: datetime.date | datetime.datetime | None | Unset = UNSET,
    end_date: datetime.date | datetime.datetime | None | Unset = UNSET,
    priority: None | TicketPriority | Unset = UNSET,
    category: None | str | Unset = UNSET,
    requester_email: None | str | Unset = UNSET,
    updated_since: datetime.date | datetime.datetime | None | Unset = UNSET,
    group_id: None | Unset | UUID = UNSET,
    assignee_id: None | str | Unset = UNSET,
    sla_breached: bool | None | Unset = UNSET,
    sla_due_before: datetime.date | datetime.datetime | None | Unset = UNSET,
    search: None | str | Unset = UNSET,
    cf: list[str] | None | Unset = UNSET,
) -> AuthErrorBody | DetailBody | TicketList | ValidationErrorBody | None:
    """List tickets

     Requires `tickets:read`. Newest first (created_at, then id). Custom fields filter
    as `cf=name:value` or `cf.<name>=value` (repeatable; a multi_select matches tickets
    whose list holds the value).

    Args:
        limit (int | Unset): Results per page Default: 20.
        offset (int | Unset): Number of results to skip (at most 100,000; walk further with
            `cursor`) Default: 0.
        cursor (None | str | Unset): `next_cursor` of the previous page: pages that never repeat
            or skip a ticket while new ones arrive. `offset` then counts from the cursor.
        order (TicketOrder | Unset): How a list of tickets is sorted; only `newest` pages with a
            cursor.
        status (None | TicketStatus | Unset): Any of the six statuses
        start_date (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            created_at >= this (naive means UTC)
        end_date (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            created_at <= this (a bare date: that day)
        priority (None | TicketPriority | Unset): low, medium, high, urgent
        category (None | str | Unset): Exact category
        requester_email (None | str | Unset): Tickets of this requester
        updated_since (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            updated_at >= this: what changed since your last sync (page with `cursor`)
        group_id (None | Unset | UUID): Tickets routed to this group
        assignee_id (None | str | Unset): Tickets assigned to this user; `none`: unassigned
        sla_breached (bool | None | Unset): true: tickets that missed an SLA target; false: with
            an SLA, none
        sla_due_before (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            an SLA target due (not yet met) before this
        search (None | str | Unset): Full-text search over subject, description and notes: tickets
            with all the words (stemmed: `printers` finds `printer`), best match first, then newest.
            Pages with `offset` (no `next_cursor`).
        cf (list[str] | None | Unset): A custom field's value as `name:value`, repeatable
            (`cf=department:IT&cf=tags:vpn`); a multi_select matches tickets whose list holds the
            value. `cf.<name>=value` is read too.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | TicketList | ValidationErrorBody
    """

    return sync_detailed(
        client=client,
        limit=limit,
        offset=offset,
        cursor=cursor,
        order=order,
        status=status,
        start_date=start_date,
        end_date=end_date,
        priority=priority,
        category=category,
        requester_email=requester_email,
        updated_since=updated_since,
        group_id=group_id,
        assignee_id=assignee_id,
        sla_breached=sla_breached,
        sla_due_before=sla_due_before,
        search=search,
        cf=cf,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    cursor: None | str | Unset = UNSET,
    order: TicketOrder | Unset = UNSET,
    status: None | TicketStatus | Unset = UNSET,
    start_date: datetime.date | datetime.datetime | None | Unset = UNSET,
    end_date: datetime.date | datetime.datetime | None | Unset = UNSET,
    priority: None | TicketPriority | Unset = UNSET,
    category: None | str | Unset = UNSET,
    requester_email: None | str | Unset = UNSET,
    updated_since: datetime.date | datetime.datetime | None | Unset = UNSET,
    group_id: None | Unset | UUID = UNSET,
    assignee_id: None | str | Unset = UNSET,
    sla_breached: bool | None | Unset = UNSET,
    sla_due_before: datetime.date | datetime.datetime | None | Unset = UNSET,
    search: None | str | Unset = UNSET,
    cf: list[str] | None | Unset = UNSET,
) -> Response[AuthErrorBody | DetailBody | TicketList | ValidationErrorBody]:
    """List tickets

     Requires `tickets:read`. Newest first (created_at, then id). Custom fields filter
    as `cf=name:value` or `cf.<name>=value` (repeatable; a multi_select matches tickets
    whose list holds the value).

    Args:
        limit (int | Unset): Results per page Default: 20.
        offset (int | Unset): Number of results to skip (at most 100,000; walk further with
            `cursor`) Default: 0.
        cursor (None | str | Unset): `next_cursor` of the previous page: pages that never repeat
            or skip a ticket while new ones arrive. `offset` then counts from the cursor.
        order (TicketOrder | Unset): How a list of tickets is sorted; only `newest` pages with a
            cursor.
        status (None | TicketStatus | Unset): Any of the six statuses
        start_date (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            created_at >= this (naive means UTC)
        end_date (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            created_at <= this (a bare date: that day)
        priority (None | TicketPriority | Unset): low, medium, high, urgent
        category (None | str | Unset): Exact category
        requester_email (None | str | Unset): Tickets of this requester
        updated_since (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            updated_at >= this: what changed since your last sync (page with `cursor`)
        group_id (None | Unset | UUID): Tickets routed to this group
        assignee_id (None | str | Unset): Tickets assigned to this user; `none`: unassigned
        sla_breached (bool | None | Unset): true: tickets that missed an SLA target; false: with
            an SLA, none
        sla_due_before (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            an SLA target due (not yet met) before this
        search (None | str | Unset): Full-text search over subject, description and notes: tickets
            with all the words (stemmed: `printers` finds `printer`), best match first, then newest.
            Pages with `offset` (no `next_cursor`).
        cf (list[str] | None | Unset): A custom field's value as `name:value`, repeatable
            (`cf=department:IT&cf=tags:vpn`); a multi_select matches tickets whose list holds the
            value. `cf.<name>=value` is read too.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | TicketList | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
        cursor=cursor,
        order=order,
        status=status,
        start_date=start_date,
        end_date=end_date,
        priority=priority,
        category=category,
        requester_email=requester_email,
        updated_since=updated_since,
        group_id=group_id,
        assignee_id=assignee_id,
        sla_breached=sla_breached,
        sla_due_before=sla_due_before,
        search=search,
        cf=cf,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
    cursor: None | str | Unset = UNSET,
    order: TicketOrder | Unset = UNSET,
    status: None | TicketStatus | Unset = UNSET,
    start_date: datetime.date | datetime.datetime | None | Unset = UNSET,
    end_date: datetime.date | datetime.datetime | None | Unset = UNSET,
    priority: None | TicketPriority | Unset = UNSET,
    category: None | str | Unset = UNSET,
    requester_email: None | str | Unset = UNSET,
    updated_since: datetime.date | datetime.datetime | None | Unset = UNSET,
    group_id: None | Unset | UUID = UNSET,
    assignee_id: None | str | Unset = UNSET,
    sla_breached: bool | None | Unset = UNSET,
    sla_due_before: datetime.date | datetime.datetime | None | Unset = UNSET,
    search: None | str | Unset = UNSET,
    cf: list[str] | None | Unset = UNSET,
) -> AuthErrorBody | DetailBody | TicketList | ValidationErrorBody | None:
    """List tickets

     Requires `tickets:read`. Newest first (created_at, then id). Custom fields filter
    as `cf=name:value` or `cf.<name>=value` (repeatable; a multi_select matches tickets
    whose list holds the value).

    Args:
        limit (int | Unset): Results per page Default: 20.
        offset (int | Unset): Number of results to skip (at most 100,000; walk further with
            `cursor`) Default: 0.
        cursor (None | str | Unset): `next_cursor` of the previous page: pages that never repeat
            or skip a ticket while new ones arrive. `offset` then counts from the cursor.
        order (TicketOrder | Unset): How a list of tickets is sorted; only `newest` pages with a
            cursor.
        status (None | TicketStatus | Unset): Any of the six statuses
        start_date (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            created_at >= this (naive means UTC)
        end_date (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            created_at <= this (a bare date: that day)
        priority (None | TicketPriority | Unset): low, medium, high, urgent
        category (None | str | Unset): Exact category
        requester_email (None | str | Unset): Tickets of this requester
        updated_since (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            updated_at >= this: what changed since your last sync (page with `cursor`)
        group_id (None | Unset | UUID): Tickets routed to this group
        assignee_id (None | str | Unset): Tickets assigned to this user; `none`: unassigned
        sla_breached (bool | None | Unset): true: tickets that missed an SLA target; false: with
            an SLA, none
        sla_due_before (datetime.date | datetime.datetime | None | Unset): ISO 8601; tickets with
            an SLA target due (not yet met) before this
        search (None | str | Unset): Full-text search over subject, description and notes: tickets
            with all the words (stemmed: `printers` finds `printer`), best match first, then newest.
            Pages with `offset` (no `next_cursor`).
        cf (list[str] | None | Unset): A custom field's value as `name:value`, repeatable
            (`cf=department:IT&cf=tags:vpn`); a multi_select matches tickets whose list holds the
            value. `cf.<name>=value` is read too.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | TicketList | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            offset=offset,
            cursor=cursor,
            order=order,
            status=status,
            start_date=start_date,
            end_date=end_date,
            priority=priority,
            category=category,
            requester_email=requester_email,
            updated_since=updated_since,
            group_id=group_id,
            assignee_id=assignee_id,
            sla_breached=sla_breached,
            sla_due_before=sla_due_before,
            search=search,
            cf=cf,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_error_body import AuthErrorBody
from ...models.detail_body import DetailBody
from ...models.no_valid_fields_body import NoValidFieldsBody
from ...models.ticket_out import TicketOut
from ...models.ticket_update import TicketUpdate
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    ticket_id: UUID,
    *,
    body: TicketUpdate,
    if_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/tickets/{ticket_id}".format(
            ticket_id=quote(str(ticket_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuthErrorBody | DetailBody | NoValidFieldsBody | TicketOut | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = TicketOut.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = NoValidFieldsBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = AuthErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = AuthErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = DetailBody.from_dict(response.json())

        return response_404

    if response.status_code == 412:
        response_412 = TicketOut.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = DetailBody.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = DetailBody.from_dict(response.json())

        return response_415

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
) -> Response[AuthErrorBody | DetailBody | NoValidFieldsBody | TicketOut | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    ticket_id: UUID,
    *,
    client: AuthenticatedClient,
    body: TicketUpdate,
    if_match: None | str | Unset = UNSET,
) -> Response[AuthErrorBody | DetailBody | NoValidFieldsBody | TicketOut | ValidationErrorBody]:
    """Update a ticket

     Requires `tickets:write`. Omitted fields stay; `metadata` merges key by key; any
    status may be set, so close and reopen are PATCHes of `status`. `confidence_score`
    is never changed here. With `If-Match` (a version from an `ETag`), the change is made
    only if the ticket is still at that version, else 412 with the ticket as it now is.

    Args:
        ticket_id (UUID):
        if_match (None | str | Unset): The ticket's version from an `ETag`: the write is made only
            while the ticket is still at it (`*`: any version), else 412 with the ticket as it now is.
            Without it the write is made whatever changed meanwhile.
        body (TicketUpdate): PATCH /api/v1/tickets/{id}: any subset of the writable fields.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | NoValidFieldsBody | TicketOut | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        ticket_id=ticket_id,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    ticket_id: UUID,
    *,
    client: AuthenticatedClient,
    body: TicketUpdate,
    if_match: None | str | Unset = UNSET,
) -> AuthErrorBody | DetailBody | NoValidFieldsBody | TicketOut | ValidationErrorBody | None:
    """Update a ticket

     Requires `tickets:write`. Omitted fields stay; `metadata` merges key by key; any
    status may be set, so close and reopen are PATCHes of `status`. `confidence_score`
    is never changed here. With `If-Match` (a version from an `ETag`), the change is made
    only if the ticket is still at that version, else 412 with the ticket as it now is.

    Args:
        ticket_id (UUID):
        if_match (None | str | Unset): The ticket's version from an `ETag`: the write is made only
            while the ticket is still at it (`*`: any version), else 412 with the ticket as it now is.
            Without it the write is made whatever changed meanwhile.
        body (TicketUpdate): PATCH /api/v1/tickets/{id}: any subset of the writable fields.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | NoValidFieldsBody | TicketOut | ValidationErrorBody
    """

    return sync_detailed(
        ticket_id=ticket_id,
        client=client,
        body=body,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    ticket_id: UUID,
    *,
    client: AuthenticatedClient,
    body: TicketUpdate,
    if_match: None | str | Unset = UNSET,
) -> Response[AuthErrorBody | DetailBody | NoValidFieldsBody | TicketOut | ValidationErrorBody]:
    """Update a ticket

     Requires `tickets:write`. Omitted fields stay; `metadata` merges key by key; any
    status may be set, so close and reopen are PATCHes of `status`. `confidence_score`
    is never changed here. With `If-Match` (a version from an `ETag`), the change is made
    only if the ticket is still at that version, else 412 with the ticket as it now is.

    Args:
        ticket_id (UUID):
        if_match (None | str | Unset): The ticket's version from an `ETag`: the write is made only
            while the ticket is still at it (`*`: any version), else 412 with the ticket as it now is.
            Without it the write is made whatever changed meanwhile.
        body (TicketUpdate): PATCH /api/v1/tickets/{id}: any subset of the writable fields.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | NoValidFieldsBody | TicketOut | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        ticket_id=ticket_id,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    ticket_id: UUID,
    *,
    client: AuthenticatedClient,
    body: TicketUpdate,
    if_match: None | str | Unset = UNSET,
) -> AuthErrorBody | DetailBody | NoValidFieldsBody | TicketOut | ValidationErrorBody | None:
    """Update a ticket

     Requires `tickets:write`. Omitted fields stay; `metadata` merges key by key; any
    status may be set, so close and reopen are PATCHes of `status`. `confidence_score`
    is never changed here. With `If-Match` (a version from an `ETag`), the change is made
    only if the ticket is still at that version, else 412 with the ticket as it now is.

    Args:
        ticket_id (UUID):
        if_match (None | str | Unset): The ticket's version from an `ETag`: the write is made only
            while the ticket is still at it (`*`: any version), else 412 with the ticket as it now is.
            Without it the write is made whatever changed meanwhile.
        body (TicketUpdate): PATCH /api/v1/tickets/{id}: any subset of the writable fields.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | NoValidFieldsBody | TicketOut | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            ticket_id=ticket_id,
            client=client,
            body=body,
            if_match=if_match,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_error_body import AuthErrorBody
from ...models.detail_body import DetailBody
from ...models.ticket_out import TicketOut
from ...models.validation_error_body import ValidationErrorBody
from ...types import Response


def _get_kwargs(
    ticket_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/tickets/{ticket_id}".format(
            ticket_id=quote(str(ticket_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = TicketOut.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = AuthErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = AuthErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = DetailBody.from_dict(response.json())

        return response_404

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
) -> Response[AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody]:
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
) -> Response[AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody]:
    """Get a ticket

     Requires `tickets:read`. A non-UUID id is 422; an unknown or foreign one is 404.
    The `ETag` is the ticket's version, for `If-Match` on a PATCH or a note.

    Args:
        ticket_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        ticket_id=ticket_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    ticket_id: UUID,
    *,
    client: AuthenticatedClient,
) -> AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody | None:
    """Get a ticket

     Requires `tickets:read`. A non-UUID id is 422; an unknown or foreign one is 404.
    The `ETag` is the ticket's version, for `If-Match` on a PATCH or a note.

    Args:
        ticket_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody
    """

    return sync_detailed(
        ticket_id=ticket_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    ticket_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody]:
    """Get a ticket

     Requires `tickets:read`. A non-UUID id is 422; an unknown or foreign one is 404.
    The `ETag` is the ticket's version, for `If-Match` on a PATCH or a note.

    Args:
        ticket_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        ticket_id=ticket_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    ticket_id: UUID,
    *,
    client: AuthenticatedClient,
) -> AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody | None:
    """Get a ticket

     Requires `tickets:read`. A non-UUID id is 422; an unknown or foreign one is 404.
    The `ETag` is the ticket's version, for `If-Match` on a PATCH or a note.

    Args:
        ticket_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            ticket_id=ticket_id,
            client=client,
        )
    ).parsed

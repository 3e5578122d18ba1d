from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_error_body import AuthErrorBody
from ...models.detail_body import DetailBody
from ...models.ticket_create import TicketCreate
from ...models.ticket_out import TicketOut
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: TicketCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/tickets",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody | None:
    if response.status_code == 201:
        response_201 = TicketOut.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = DetailBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = AuthErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = AuthErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = DetailBody.from_dict(response.json())

        return response_409

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
) -> Response[AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: TicketCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody]:
    """Create a ticket

     Requires `tickets:write`. A replayed response carries `Idempotent-Replayed: true`.

    With an ITSM provider configured the ticket is created there first: its rejection is
    a 400 with its message and nothing is stored; if it cannot be reached in time the
    ticket is stored with `external_sync_status: "pending"` and synced in the background.

    Args:
        idempotency_key (None | str | Unset): Retries with the same key within the TTL (1 h)
            replay the first response; a different body with the same key is 409.
        body (TicketCreate): POST /api/v1/tickets. Unknown keys (a top-level `category`, say) are
            ignored.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: TicketCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody | None:
    """Create a ticket

     Requires `tickets:write`. A replayed response carries `Idempotent-Replayed: true`.

    With an ITSM provider configured the ticket is created there first: its rejection is
    a 400 with its message and nothing is stored; if it cannot be reached in time the
    ticket is stored with `external_sync_status: "pending"` and synced in the background.

    Args:
        idempotency_key (None | str | Unset): Retries with the same key within the TTL (1 h)
            replay the first response; a different body with the same key is 409.
        body (TicketCreate): POST /api/v1/tickets. Unknown keys (a top-level `category`, say) are
            ignored.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: TicketCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody]:
    """Create a ticket

     Requires `tickets:write`. A replayed response carries `Idempotent-Replayed: true`.

    With an ITSM provider configured the ticket is created there first: its rejection is
    a 400 with its message and nothing is stored; if it cannot be reached in time the
    ticket is stored with `external_sync_status: "pending"` and synced in the background.

    Args:
        idempotency_key (None | str | Unset): Retries with the same key within the TTL (1 h)
            replay the first response; a different body with the same key is 409.
        body (TicketCreate): POST /api/v1/tickets. Unknown keys (a top-level `category`, say) are
            ignored.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: TicketCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody | None:
    """Create a ticket

     Requires `tickets:write`. A replayed response carries `Idempotent-Replayed: true`.

    With an ITSM provider configured the ticket is created there first: its rejection is
    a 400 with its message and nothing is stored; if it cannot be reached in time the
    ticket is stored with `external_sync_status: "pending"` and synced in the background.

    Args:
        idempotency_key (None | str | Unset): Retries with the same key within the TTL (1 h)
            replay the first response; a different body with the same key is 409.
        body (TicketCreate): POST /api/v1/tickets. Unknown keys (a top-level `category`, say) are
            ignored.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | TicketOut | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed

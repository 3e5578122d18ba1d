from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_error_body import AuthErrorBody
from ...models.detail_body import DetailBody
from ...models.inbound_email_result import InboundEmailResult
from ...models.validation_error_body import ValidationErrorBody
from ...types import Response


def _get_kwargs(
    set_aside_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/configuration/email/set-aside/{set_aside_id}/release".format(
            set_aside_id=quote(str(set_aside_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody | None:
    if response.status_code == 201:
        response_201 = InboundEmailResult.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = AuthErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = AuthErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = DetailBody.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = DetailBody.from_dict(response.json())

        return response_409

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
) -> Response[AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    set_aside_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody]:
    """Release Set Aside Email

     Requires `config:write`. Makes the message a ticket (its subject and sender where
    its header can be read) whose text says why it was set aside and which carries the
    original as `original.eml`; once.

    Args:
        set_aside_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        set_aside_id=set_aside_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    set_aside_id: UUID,
    *,
    client: AuthenticatedClient,
) -> AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody | None:
    """Release Set Aside Email

     Requires `config:write`. Makes the message a ticket (its subject and sender where
    its header can be read) whose text says why it was set aside and which carries the
    original as `original.eml`; once.

    Args:
        set_aside_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody
    """

    return sync_detailed(
        set_aside_id=set_aside_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    set_aside_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody]:
    """Release Set Aside Email

     Requires `config:write`. Makes the message a ticket (its subject and sender where
    its header can be read) whose text says why it was set aside and which carries the
    original as `original.eml`; once.

    Args:
        set_aside_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        set_aside_id=set_aside_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    set_aside_id: UUID,
    *,
    client: AuthenticatedClient,
) -> AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody | None:
    """Release Set Aside Email

     Requires `config:write`. Makes the message a ticket (its subject and sender where
    its header can be read) whose text says why it was set aside and which carries the
    original as `original.eml`; once.

    Args:
        set_aside_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            set_aside_id=set_aside_id,
            client=client,
        )
    ).parsed

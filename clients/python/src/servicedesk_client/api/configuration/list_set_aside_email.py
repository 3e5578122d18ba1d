from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_error_body import AuthErrorBody
from ...models.detail_body import DetailBody
from ...models.set_aside_list import SetAsideList
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 25,
    offset: int | Unset = 0,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["offset"] = offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/configuration/email/set-aside",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuthErrorBody | DetailBody | SetAsideList | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = SetAsideList.from_dict(response.json())

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
) -> Response[AuthErrorBody | DetailBody | SetAsideList | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    offset: int | Unset = 0,
) -> Response[AuthErrorBody | DetailBody | SetAsideList | ValidationErrorBody]:
    """List Set Aside Email

     Requires `config:read`. Polled messages that could not be taken as they are (past
    a limit, unreadable, refused), newest first: moved to the mailbox's
    `quarantine_folder` and kept here whole, so that the messages behind them go on.

    Args:
        limit (int | Unset):  Default: 25.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | SetAsideList | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    offset: int | Unset = 0,
) -> AuthErrorBody | DetailBody | SetAsideList | ValidationErrorBody | None:
    """List Set Aside Email

     Requires `config:read`. Polled messages that could not be taken as they are (past
    a limit, unreadable, refused), newest first: moved to the mailbox's
    `quarantine_folder` and kept here whole, so that the messages behind them go on.

    Args:
        limit (int | Unset):  Default: 25.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | SetAsideList | ValidationErrorBody
    """

    return sync_detailed(
        client=client,
        limit=limit,
        offset=offset,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    offset: int | Unset = 0,
) -> Response[AuthErrorBody | DetailBody | SetAsideList | ValidationErrorBody]:
    """List Set Aside Email

     Requires `config:read`. Polled messages that could not be taken as they are (past
    a limit, unreadable, refused), newest first: moved to the mailbox's
    `quarantine_folder` and kept here whole, so that the messages behind them go on.

    Args:
        limit (int | Unset):  Default: 25.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | SetAsideList | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 25,
    offset: int | Unset = 0,
) -> AuthErrorBody | DetailBody | SetAsideList | ValidationErrorBody | None:
    """List Set Aside Email

     Requires `config:read`. Polled messages that could not be taken as they are (past
    a limit, unreadable, refused), newest first: moved to the mailbox's
    `quarantine_folder` and kept here whole, so that the messages behind them go on.

    Args:
        limit (int | Unset):  Default: 25.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | SetAsideList | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            offset=offset,
        )
    ).parsed

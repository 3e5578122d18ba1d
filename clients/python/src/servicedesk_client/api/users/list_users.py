from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_error_body import AuthErrorBody
from ...models.detail_body import DetailBody
from ...models.user_list import UserList
from ...models.user_role import UserRole
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    role: None | Unset | UserRole = UNSET,
    active: bool | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_role: None | str | Unset
    if isinstance(role, Unset):
        json_role = UNSET
    elif isinstance(role, UserRole):
        json_role = role.value
    else:
        json_role = role
    params["role"] = json_role

    json_active: bool | None | Unset
    if isinstance(active, Unset):
        json_active = UNSET
    else:
        json_active = active
    params["active"] = json_active

    params["limit"] = limit

    params["offset"] = offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/users",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuthErrorBody | DetailBody | UserList | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = UserList.from_dict(response.json())

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
) -> Response[AuthErrorBody | DetailBody | UserList | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    role: None | Unset | UserRole = UNSET,
    active: bool | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
) -> Response[AuthErrorBody | DetailBody | UserList | ValidationErrorBody]:
    """List Users

     Requires `users:read`. By address.

    Args:
        role (None | Unset | UserRole): Only admins or only agents
        active (bool | None | Unset): Only active (or only disabled) users
        limit (int | Unset):  Default: 20.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | UserList | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        role=role,
        active=active,
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
    role: None | Unset | UserRole = UNSET,
    active: bool | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
) -> AuthErrorBody | DetailBody | UserList | ValidationErrorBody | None:
    """List Users

     Requires `users:read`. By address.

    Args:
        role (None | Unset | UserRole): Only admins or only agents
        active (bool | None | Unset): Only active (or only disabled) users
        limit (int | Unset):  Default: 20.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | UserList | ValidationErrorBody
    """

    return sync_detailed(
        client=client,
        role=role,
        active=active,
        limit=limit,
        offset=offset,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    role: None | Unset | UserRole = UNSET,
    active: bool | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
) -> Response[AuthErrorBody | DetailBody | UserList | ValidationErrorBody]:
    """List Users

     Requires `users:read`. By address.

    Args:
        role (None | Unset | UserRole): Only admins or only agents
        active (bool | None | Unset): Only active (or only disabled) users
        limit (int | Unset):  Default: 20.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | UserList | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        role=role,
        active=active,
        limit=limit,
        offset=offset,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    role: None | Unset | UserRole = UNSET,
    active: bool | None | Unset = UNSET,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
) -> AuthErrorBody | DetailBody | UserList | ValidationErrorBody | None:
    """List Users

     Requires `users:read`. By address.

    Args:
        role (None | Unset | UserRole): Only admins or only agents
        active (bool | None | Unset): Only active (or only disabled) users
        limit (int | Unset):  Default: 20.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | UserList | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            role=role,
            active=active,
            limit=limit,
            offset=offset,
        )
    ).parsed

from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_error_body import AuthErrorBody
from ...models.detail_body import DetailBody
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    field_id: str,
    *,
    force: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["force"] = force

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/v1/custom-fields/{field_id}".format(
            field_id=quote(str(field_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | AuthErrorBody | DetailBody | ValidationErrorBody | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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
) -> Response[Any | AuthErrorBody | DetailBody | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    field_id: str,
    *,
    client: AuthenticatedClient,
    force: bool | Unset = False,
) -> Response[Any | AuthErrorBody | DetailBody | ValidationErrorBody]:
    """Delete Custom Field

     Requires `config:write`. Refused (409, with the count) while tickets hold values
    for the field, unless `force=true`: then the values are removed from those tickets in
    the background, within seconds, each removal a recorded change (`ticket.updated`, in
    its history) that also reaches the ITSM provider.

    Args:
        field_id (str):
        force (bool | Unset): Also remove the field's values from tickets Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | AuthErrorBody | DetailBody | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        field_id=field_id,
        force=force,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    field_id: str,
    *,
    client: AuthenticatedClient,
    force: bool | Unset = False,
) -> Any | AuthErrorBody | DetailBody | ValidationErrorBody | None:
    """Delete Custom Field

     Requires `config:write`. Refused (409, with the count) while tickets hold values
    for the field, unless `force=true`: then the values are removed from those tickets in
    the background, within seconds, each removal a recorded change (`ticket.updated`, in
    its history) that also reaches the ITSM provider.

    Args:
        field_id (str):
        force (bool | Unset): Also remove the field's values from tickets Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | AuthErrorBody | DetailBody | ValidationErrorBody
    """

    return sync_detailed(
        field_id=field_id,
        client=client,
        force=force,
    ).parsed


async def asyncio_detailed(
    field_id: str,
    *,
    client: AuthenticatedClient,
    force: bool | Unset = False,
) -> Response[Any | AuthErrorBody | DetailBody | ValidationErrorBody]:
    """Delete Custom Field

     Requires `config:write`. Refused (409, with the count) while tickets hold values
    for the field, unless `force=true`: then the values are removed from those tickets in
    the background, within seconds, each removal a recorded change (`ticket.updated`, in
    its history) that also reaches the ITSM provider.

    Args:
        field_id (str):
        force (bool | Unset): Also remove the field's values from tickets Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | AuthErrorBody | DetailBody | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        field_id=field_id,
        force=force,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    field_id: str,
    *,
    client: AuthenticatedClient,
    force: bool | Unset = False,
) -> Any | AuthErrorBody | DetailBody | ValidationErrorBody | None:
    """Delete Custom Field

     Requires `config:write`. Refused (409, with the count) while tickets hold values
    for the field, unless `force=true`: then the values are removed from those tickets in
    the background, within seconds, each removal a recorded change (`ticket.updated`, in
    its history) that also reaches the ITSM provider.

    Args:
        field_id (str):
        force (bool | Unset): Also remove the field's values from tickets Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | AuthErrorBody | DetailBody | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            field_id=field_id,
            client=client,
            force=force,
        )
    ).parsed

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_error_body import AuthErrorBody
from ...models.detail_body import DetailBody
from ...models.validation_error_body import ValidationErrorBody
from ...models.values_in import ValuesIn
from ...models.values_ok import ValuesOk
from ...types import Response


def _get_kwargs(
    *,
    body: ValuesIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/custom-fields/validate",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuthErrorBody | DetailBody | ValidationErrorBody | ValuesOk | None:
    if response.status_code == 200:
        response_200 = ValuesOk.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = AuthErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = AuthErrorBody.from_dict(response.json())

        return response_403

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
) -> Response[AuthErrorBody | DetailBody | ValidationErrorBody | ValuesOk]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ValuesIn,
) -> Response[AuthErrorBody | DetailBody | ValidationErrorBody | ValuesOk]:
    """Validate Values

     Requires `tickets:write`. Checks `custom_fields` as a create would (unknown names,
    types, choices, required fields) and writes nothing: 200 with the values a create
    would store (defaults filled in), or the 422 a create would get.

    Args:
        body (ValuesIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | ValidationErrorBody | ValuesOk]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: ValuesIn,
) -> AuthErrorBody | DetailBody | ValidationErrorBody | ValuesOk | None:
    """Validate Values

     Requires `tickets:write`. Checks `custom_fields` as a create would (unknown names,
    types, choices, required fields) and writes nothing: 200 with the values a create
    would store (defaults filled in), or the 422 a create would get.

    Args:
        body (ValuesIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | ValidationErrorBody | ValuesOk
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ValuesIn,
) -> Response[AuthErrorBody | DetailBody | ValidationErrorBody | ValuesOk]:
    """Validate Values

     Requires `tickets:write`. Checks `custom_fields` as a create would (unknown names,
    types, choices, required fields) and writes nothing: 200 with the values a create
    would store (defaults filled in), or the 422 a create would get.

    Args:
        body (ValuesIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | ValidationErrorBody | ValuesOk]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ValuesIn,
) -> AuthErrorBody | DetailBody | ValidationErrorBody | ValuesOk | None:
    """Validate Values

     Requires `tickets:write`. Checks `custom_fields` as a create would (unknown names,
    types, choices, required fields) and writes nothing: 200 with the values a create
    would store (defaults filled in), or the 422 a create would get.

    Args:
        body (ValuesIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | ValidationErrorBody | ValuesOk
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed

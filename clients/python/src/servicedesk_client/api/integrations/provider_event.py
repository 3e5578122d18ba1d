from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.detail_body import DetailBody
from ...models.inbound_result import InboundResult
from ...models.provider_event_payload import ProviderEventPayload
from ...models.provider_kind import ProviderKind
from ...models.validation_error_body import ValidationErrorBody
from ...types import Response


def _get_kwargs(
    provider: ProviderKind,
    token: str,
    *,
    body: ProviderEventPayload,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/integrations/{provider}/events/{token}".format(
            provider=quote(str(provider), safe=""),
            token=quote(str(token), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DetailBody | InboundResult | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = InboundResult.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = DetailBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = DetailBody.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = DetailBody.from_dict(response.json())

        return response_404

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DetailBody | InboundResult | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    provider: ProviderKind,
    token: str,
    *,
    client: AuthenticatedClient,
    body: ProviderEventPayload,
) -> Response[DetailBody | InboundResult | ValidationErrorBody]:
    """Provider Event

     Called by the provider's automation (Freshservice Workflow Automator "Trigger
    webhook", Zendesk trigger → webhook) with `Authorization: Bearer <inbound_secret>`
    and `{"ticket_id": ..., "status": ..., "priority": ...}`. Updates our ticket and
    sends nothing back to the provider. Calls to one URL are limited
    (`SERVICEDESK_RATE_LIMIT_INBOUND`, 600 a minute) before the secret is checked.

    Args:
        provider (ProviderKind):
        token (str):
        body (ProviderEventPayload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DetailBody | InboundResult | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        provider=provider,
        token=token,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    provider: ProviderKind,
    token: str,
    *,
    client: AuthenticatedClient,
    body: ProviderEventPayload,
) -> DetailBody | InboundResult | ValidationErrorBody | None:
    """Provider Event

     Called by the provider's automation (Freshservice Workflow Automator "Trigger
    webhook", Zendesk trigger → webhook) with `Authorization: Bearer <inbound_secret>`
    and `{"ticket_id": ..., "status": ..., "priority": ...}`. Updates our ticket and
    sends nothing back to the provider. Calls to one URL are limited
    (`SERVICEDESK_RATE_LIMIT_INBOUND`, 600 a minute) before the secret is checked.

    Args:
        provider (ProviderKind):
        token (str):
        body (ProviderEventPayload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DetailBody | InboundResult | ValidationErrorBody
    """

    return sync_detailed(
        provider=provider,
        token=token,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    provider: ProviderKind,
    token: str,
    *,
    client: AuthenticatedClient,
    body: ProviderEventPayload,
) -> Response[DetailBody | InboundResult | ValidationErrorBody]:
    """Provider Event

     Called by the provider's automation (Freshservice Workflow Automator "Trigger
    webhook", Zendesk trigger → webhook) with `Authorization: Bearer <inbound_secret>`
    and `{"ticket_id": ..., "status": ..., "priority": ...}`. Updates our ticket and
    sends nothing back to the provider. Calls to one URL are limited
    (`SERVICEDESK_RATE_LIMIT_INBOUND`, 600 a minute) before the secret is checked.

    Args:
        provider (ProviderKind):
        token (str):
        body (ProviderEventPayload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DetailBody | InboundResult | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        provider=provider,
        token=token,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    provider: ProviderKind,
    token: str,
    *,
    client: AuthenticatedClient,
    body: ProviderEventPayload,
) -> DetailBody | InboundResult | ValidationErrorBody | None:
    """Provider Event

     Called by the provider's automation (Freshservice Workflow Automator "Trigger
    webhook", Zendesk trigger → webhook) with `Authorization: Bearer <inbound_secret>`
    and `{"ticket_id": ..., "status": ..., "priority": ...}`. Updates our ticket and
    sends nothing back to the provider. Calls to one URL are limited
    (`SERVICEDESK_RATE_LIMIT_INBOUND`, 600 a minute) before the secret is checked.

    Args:
        provider (ProviderKind):
        token (str):
        body (ProviderEventPayload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DetailBody | InboundResult | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            provider=provider,
            token=token,
            client=client,
            body=body,
        )
    ).parsed

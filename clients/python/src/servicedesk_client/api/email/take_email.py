from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_error_body import AuthErrorBody
from ...models.detail_body import DetailBody
from ...models.inbound_email_result import InboundEmailResult
from ...models.validation_error_body import ValidationErrorBody
from ...types import File, Response


def _get_kwargs(
    *,
    body: File,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/inbound/email",
    }

    _kwargs["content"] = body.payload
    headers["Content-Type"] = "message/rfc822"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = InboundEmailResult.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = InboundEmailResult.from_dict(response.json())

        return response_201

    if response.status_code == 202:
        response_202 = InboundEmailResult.from_dict(response.json())

        return response_202

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
) -> Response[AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: File,
) -> Response[AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody]:
    """Take Email

     Requires `email:ingest`. The raw message as the body (`Content-Type:
    message/rfc822`), e.g. from an MTA: `curl --data-binary @- -H 'Content-Type:
    message/rfc822' …`. A new ticket (201, `created: true`), or a note on the ticket it
    answers (201, `created: false`); the same Message-ID again is 200 with the first
    answer. A sender who opened too many tickets by mail in the last hour is 429 with
    `Retry-After` (SERVICEDESK_EMAIL_NEW_TICKETS_PER_SENDER_HOUR).

    Args:
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody]
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
    body: File,
) -> AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody | None:
    """Take Email

     Requires `email:ingest`. The raw message as the body (`Content-Type:
    message/rfc822`), e.g. from an MTA: `curl --data-binary @- -H 'Content-Type:
    message/rfc822' …`. A new ticket (201, `created: true`), or a note on the ticket it
    answers (201, `created: false`); the same Message-ID again is 200 with the first
    answer. A sender who opened too many tickets by mail in the last hour is 429 with
    `Retry-After` (SERVICEDESK_EMAIL_NEW_TICKETS_PER_SENDER_HOUR).

    Args:
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: File,
) -> Response[AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody]:
    """Take Email

     Requires `email:ingest`. The raw message as the body (`Content-Type:
    message/rfc822`), e.g. from an MTA: `curl --data-binary @- -H 'Content-Type:
    message/rfc822' …`. A new ticket (201, `created: true`), or a note on the ticket it
    answers (201, `created: false`); the same Message-ID again is 200 with the first
    answer. A sender who opened too many tickets by mail in the last hour is 429 with
    `Retry-After` (SERVICEDESK_EMAIL_NEW_TICKETS_PER_SENDER_HOUR).

    Args:
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: File,
) -> AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody | None:
    """Take Email

     Requires `email:ingest`. The raw message as the body (`Content-Type:
    message/rfc822`), e.g. from an MTA: `curl --data-binary @- -H 'Content-Type:
    message/rfc822' …`. A new ticket (201, `created: true`), or a note on the ticket it
    answers (201, `created: false`); the same Message-ID again is 200 with the first
    answer. A sender who opened too many tickets by mail in the last hour is 429 with
    `Retry-After` (SERVICEDESK_EMAIL_NEW_TICKETS_PER_SENDER_HOUR).

    Args:
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | InboundEmailResult | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed

from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_error_body import AuthErrorBody
from ...models.detail_body import DetailBody
from ...models.note_create import NoteCreate
from ...models.note_out import NoteOut
from ...models.ticket_out import TicketOut
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    ticket_id: UUID,
    *,
    body: NoteCreate,
    if_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/tickets/{ticket_id}/notes".format(
            ticket_id=quote(str(ticket_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuthErrorBody | DetailBody | NoteOut | TicketOut | ValidationErrorBody | None:
    if response.status_code == 201:
        response_201 = NoteOut.from_dict(response.json())

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
) -> Response[AuthErrorBody | DetailBody | NoteOut | TicketOut | ValidationErrorBody]:
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
    body: NoteCreate,
    if_match: None | str | Unset = UNSET,
) -> Response[AuthErrorBody | DetailBody | NoteOut | TicketOut | ValidationErrorBody]:
    """Add Note

     Requires `tickets:write`. Emits `ticket.note_added`, moves the ticket's
    `updated_at`, and posts the note to the ITSM provider of a mirrored ticket (a private
    note there, or a public reply / comment).

    Sent as `multipart/form-data` (fields `body`, `private`, and files under
    `attachments`), the note carries files, each at most SERVICEDESK_MAX_ATTACHMENT_BYTES
    (413 past it); the request as a whole may be SERVICEDESK_MAX_UPLOAD_BYTES. With
    `If-Match`, the note is added only if the ticket is still at that version (412).

    Args:
        ticket_id (UUID):
        if_match (None | str | Unset): The ticket's version from an `ETag`: the write is made only
            while the ticket is still at it (`*`: any version), else 412 with the ticket as it now is.
            Without it the write is made whatever changed meanwhile.
        body (NoteCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | NoteOut | TicketOut | ValidationErrorBody]
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
    body: NoteCreate,
    if_match: None | str | Unset = UNSET,
) -> AuthErrorBody | DetailBody | NoteOut | TicketOut | ValidationErrorBody | None:
    """Add Note

     Requires `tickets:write`. Emits `ticket.note_added`, moves the ticket's
    `updated_at`, and posts the note to the ITSM provider of a mirrored ticket (a private
    note there, or a public reply / comment).

    Sent as `multipart/form-data` (fields `body`, `private`, and files under
    `attachments`), the note carries files, each at most SERVICEDESK_MAX_ATTACHMENT_BYTES
    (413 past it); the request as a whole may be SERVICEDESK_MAX_UPLOAD_BYTES. With
    `If-Match`, the note is added only if the ticket is still at that version (412).

    Args:
        ticket_id (UUID):
        if_match (None | str | Unset): The ticket's version from an `ETag`: the write is made only
            while the ticket is still at it (`*`: any version), else 412 with the ticket as it now is.
            Without it the write is made whatever changed meanwhile.
        body (NoteCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | NoteOut | TicketOut | ValidationErrorBody
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
    body: NoteCreate,
    if_match: None | str | Unset = UNSET,
) -> Response[AuthErrorBody | DetailBody | NoteOut | TicketOut | ValidationErrorBody]:
    """Add Note

     Requires `tickets:write`. Emits `ticket.note_added`, moves the ticket's
    `updated_at`, and posts the note to the ITSM provider of a mirrored ticket (a private
    note there, or a public reply / comment).

    Sent as `multipart/form-data` (fields `body`, `private`, and files under
    `attachments`), the note carries files, each at most SERVICEDESK_MAX_ATTACHMENT_BYTES
    (413 past it); the request as a whole may be SERVICEDESK_MAX_UPLOAD_BYTES. With
    `If-Match`, the note is added only if the ticket is still at that version (412).

    Args:
        ticket_id (UUID):
        if_match (None | str | Unset): The ticket's version from an `ETag`: the write is made only
            while the ticket is still at it (`*`: any version), else 412 with the ticket as it now is.
            Without it the write is made whatever changed meanwhile.
        body (NoteCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthErrorBody | DetailBody | NoteOut | TicketOut | ValidationErrorBody]
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
    body: NoteCreate,
    if_match: None | str | Unset = UNSET,
) -> AuthErrorBody | DetailBody | NoteOut | TicketOut | ValidationErrorBody | None:
    """Add Note

     Requires `tickets:write`. Emits `ticket.note_added`, moves the ticket's
    `updated_at`, and posts the note to the ITSM provider of a mirrored ticket (a private
    note there, or a public reply / comment).

    Sent as `multipart/form-data` (fields `body`, `private`, and files under
    `attachments`), the note carries files, each at most SERVICEDESK_MAX_ATTACHMENT_BYTES
    (413 past it); the request as a whole may be SERVICEDESK_MAX_UPLOAD_BYTES. With
    `If-Match`, the note is added only if the ticket is still at that version (412).

    Args:
        ticket_id (UUID):
        if_match (None | str | Unset): The ticket's version from an `ETag`: the write is made only
            while the ticket is still at it (`*`: any version), else 412 with the ticket as it now is.
            Without it the write is made whatever changed meanwhile.
        body (NoteCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthErrorBody | DetailBody | NoteOut | TicketOut | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            ticket_id=ticket_id,
            client=client,
            body=body,
            if_match=if_match,
        )
    ).parsed

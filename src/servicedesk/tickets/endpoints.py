"""HTTP routes of the Tickets API: /api/v1/tickets, a ticket's notes and attachments, and
/api/v1/attachments (downloads). Each parses the request, makes one call of
`TicketService`, and renders its answer."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import ValidationError

from servicedesk.auth.dependencies import require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.errors import (
    AttachmentNotFound,
    AttachmentTooLarge,
    IdempotencyKeyReused,
    NoValidFields,
    ProviderRejected,
    TicketNotFound,
    UnsupportedMediaType,
    ValidationFailed,
)
from servicedesk.http import (
    JSON_BODY_ERRORS,
    VALIDATION_422,
    JsonResponse,
    MultipartFormRoute,
    Responses,
    require_json_body,
)
from servicedesk.idempotency.service import IdempotencyRequest, fingerprint
from servicedesk.tickets.attachments import Upload
from servicedesk.tickets.dependencies import TicketsDep
from servicedesk.tickets.filters import ListQuery, list_query
from servicedesk.tickets.schemas import (
    NOTE_MAX,
    SEED_TICKET_EXAMPLE,
    AttachmentList,
    NoteCreate,
    NoteList,
    NoteOut,
    TicketCreate,
    TicketList,
    TicketOut,
    TicketUpdate,
)
from servicedesk.tickets.versions import Expected, TicketChanged, etag_header

router = APIRouter(
    prefix="/api/v1/tickets",
    tags=["tickets"],
)

Reader = Annotated[Principal, Depends(require_scope(Scope.TICKETS_READ))]
Writer = Annotated[Principal, Depends(require_scope(Scope.TICKETS_WRITE))]

_NOT_FOUND_404 = TicketNotFound.openapi_response()
_ETAG = {
    "ETag": {
        "description": "The ticket's version (a strong entity tag), for `If-Match`",
        "schema": {"type": "string"},
    }
}
_WITH_ETAG: dict[str, Any] = {"headers": _ETAG}
_CHANGED_412 = {
    **TicketChanged.openapi_response(SEED_TICKET_EXAMPLE),
    "headers": _ETAG,
}
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=1_000,
        description="The ticket's version from an `ETag`: the write is made only while the "
        "ticket is still at it (`*`: any version), else 412 with the ticket as it now is. "
        "Without it the write is made whatever changed meanwhile.",
    ),
]


@router.post(
    "",
    status_code=201,
    response_model=TicketOut,
    summary="Create a ticket",
    dependencies=[Depends(require_json_body)],
    responses={
        201: {
            "content": {"application/json": {"example": SEED_TICKET_EXAMPLE}},
            "headers": {
                **_ETAG,
                "Idempotent-Replayed": {
                    "description": "`true` when this is the stored answer to an earlier "
                    "request with the same Idempotency-Key",
                    "schema": {"type": "string", "enum": ["true"]},
                },
            },
        },
        400: ProviderRejected.openapi_response(
            {"detail": "requester_id: Please fill at least 1 of email, phone, requester_id"}
        ),
        409: IdempotencyKeyReused.openapi_response(),
        413: JSON_BODY_ERRORS[413],
        415: UnsupportedMediaType.openapi_response(),
        422: VALIDATION_422,
    },
)
async def create_ticket(
    data: TicketCreate,
    request: Request,
    principal: Writer,
    tickets: TicketsDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=255,
            description="Retries with the same key within the TTL (1 h) replay the first "
            "response; a different body with the same key is 409.",
        ),
    ] = None,
) -> JsonResponse:
    """Requires `tickets:write`. A replayed response carries `Idempotent-Replayed: true`.

    With an ITSM provider configured the ticket is created there first: its rejection is
    a 400 with its message and nothing is stored; if it cannot be reached in time the
    ticket is stored with `external_sync_status: "pending"` and synced in the background.
    """
    idempotency = None
    if idempotency_key is not None:
        sent = data.model_dump(mode="json", exclude_unset=True)
        idempotency = IdempotencyRequest(
            idempotency_key, fingerprint("POST", request.url.path, sent)
        )
    response = await tickets.create(
        principal.tenant_id, data, actor=principal.key_id, idempotency_key=idempotency
    )
    headers = etag_header(response.body) if "updated_at" in response.body else {}
    if response.replayed:
        headers["Idempotent-Replayed"] = "true"
    return JsonResponse(response.body, status_code=response.status_code, headers=headers)


@router.get(
    "/{ticket_id}",
    response_model=TicketOut,
    summary="Get a ticket",
    responses={200: _WITH_ETAG, 404: _NOT_FOUND_404, 422: VALIDATION_422},
)
async def get_ticket(ticket_id: uuid.UUID, principal: Reader, tickets: TicketsDep) -> Any:
    """Requires `tickets:read`. A non-UUID id is 422; an unknown or foreign one is 404.
    The `ETag` is the ticket's version, for `If-Match` on a PATCH or a note."""
    ticket = await tickets.get(principal.tenant_id, ticket_id)
    return JsonResponse(ticket, headers=etag_header(ticket))


@router.get(
    "",
    response_model=TicketList,
    summary="List tickets",
    responses={
        200: {
            "headers": {
                "Total-Is-Estimate": {
                    "description": "`true` when `total` is the database's estimate (more "
                    "than 10,000 matches on PostgreSQL)",
                    "schema": {"type": "string", "enum": ["true"]},
                }
            }
        },
        422: VALIDATION_422,
    },
)
async def list_tickets(
    principal: Reader,
    tickets: TicketsDep,
    query: Annotated[ListQuery, Depends(list_query)],
) -> Any:
    """Requires `tickets:read`. Newest first (created_at, then id). Custom fields filter
    as `cf=name:value` or `cf.<name>=value` (repeatable; a multi_select matches tickets
    whose list holds the value)."""
    page = query.page
    found = await tickets.list_page(
        principal.tenant_id,
        query.filters,
        limit=page.limit,
        offset=page.offset,
        cursor=page.cursor,
        custom_field_filters=query.custom_field_filters,
        order=page.order,
    )
    headers = {"Total-Is-Estimate": "true"} if found.total.estimated else None
    body = {
        "tickets": found.tickets,
        "total": found.total.value,
        "limit": page.limit,
        "offset": page.offset,
        "next_cursor": found.next_cursor,
    }
    return JsonResponse(body, headers=headers)


@router.patch(
    "/{ticket_id}",
    response_model=TicketOut,
    summary="Update a ticket",
    dependencies=[Depends(require_json_body)],
    responses={
        200: _WITH_ETAG,
        400: NoValidFields.openapi_response(),
        404: _NOT_FOUND_404,
        412: _CHANGED_412,
        413: JSON_BODY_ERRORS[413],
        415: UnsupportedMediaType.openapi_response(),
        422: VALIDATION_422,
    },
)
async def update_ticket(
    ticket_id: uuid.UUID,
    patch: TicketUpdate,
    principal: Writer,
    tickets: TicketsDep,
    if_match: IfMatch = None,
) -> Any:
    """Requires `tickets:write`. Omitted fields stay; `metadata` merges key by key; any
    status may be set, so close and reopen are PATCHes of `status`. `confidence_score`
    is never changed here. With `If-Match` (a version from an `ETag`), the change is made
    only if the ticket is still at that version, else 412 with the ticket as it now is."""
    updated = await tickets.update(
        principal.tenant_id,
        ticket_id,
        patch,
        actor=principal.key_id,
        expected=Expected.of_header(if_match),
    )
    return JsonResponse(updated, headers=etag_header(updated))


_NOTE_ERRORS: Responses = {404: _NOT_FOUND_404, 422: VALIDATION_422}
_NOTE_WITH_FILES = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "required": ["body"],
            "properties": {
                "body": {"type": "string", "minLength": 1, "maxLength": NOTE_MAX, "pattern": r"\S"},
                "private": {"type": "boolean", "default": True},
                "attachments": {
                    "type": "array",
                    "items": {"type": "string", "format": "binary"},
                    "description": "The files (also accepted as `attachments[]`).",
                },
            },
        },
        "encoding": {"attachments": {"contentType": "application/octet-stream"}},
    }
}


async def add_note_with_files(
    ticket_id: uuid.UUID,
    principal: Writer,
    tickets: TicketsDep,
    body: Annotated[str, Form()],
    private: Annotated[bool, Form()] = True,
    attachments: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI copies it)
    attachments_brackets: Annotated[list[UploadFile], File(alias="attachments[]")] = [],  # noqa: B006
    if_match: IfMatch = None,
) -> Any:
    """`add_note` sent as multipart/form-data with files (MultipartFormRoute)."""
    try:
        data = NoteCreate.model_validate({"body": body, "private": private})
    except ValidationError as error:
        raise ValidationFailed.of_body(error.errors()) from None
    files = [
        Upload(file.filename or "", file.content_type or "", file.file)
        for file in (*attachments, *attachments_brackets)
    ]
    note = await tickets.add_note(
        principal.tenant_id,
        ticket_id,
        data,
        actor=principal.key_id,
        files=files,
        expected=Expected.of_header(if_match),
    )
    return JsonResponse(note, status_code=201)


router.add_api_route(
    "/{ticket_id}/notes",
    add_note_with_files,
    methods=["POST"],
    include_in_schema=False,
    route_class_override=MultipartFormRoute,
)


@router.post(
    "/{ticket_id}/notes",
    status_code=201,
    response_model=NoteOut,
    tags=["notes"],
    dependencies=[Depends(require_json_body)],
    responses={
        **_NOTE_ERRORS,
        412: _CHANGED_412,
        **JSON_BODY_ERRORS,
        413: AttachmentTooLarge.openapi_response(
            {"detail": "Attachment too large (limit 20971520 bytes)"}
        ),
    },
    openapi_extra={"requestBody": {"content": _NOTE_WITH_FILES}},
)
async def add_note(
    ticket_id: uuid.UUID,
    data: NoteCreate,
    principal: Writer,
    tickets: TicketsDep,
    if_match: IfMatch = None,
) -> Any:
    """Requires `tickets:write`. Emits `ticket.note_added`, moves the ticket's
    `updated_at`, and posts the note to the ITSM provider of a mirrored ticket (a private
    note there, or a public reply / comment).

    Sent as `multipart/form-data` (fields `body`, `private`, and files under
    `attachments`), the note carries files, each at most SERVICEDESK_MAX_ATTACHMENT_BYTES
    (413 past it); the request as a whole may be SERVICEDESK_MAX_UPLOAD_BYTES. With
    `If-Match`, the note is added only if the ticket is still at that version (412)."""
    note = await tickets.add_note(
        principal.tenant_id,
        ticket_id,
        data,
        actor=principal.key_id,
        expected=Expected.of_header(if_match),
    )
    return JsonResponse(note, status_code=201)


@router.get("/{ticket_id}/notes", response_model=NoteList, tags=["notes"], responses=_NOTE_ERRORS)
async def list_notes(
    ticket_id: uuid.UUID,
    principal: Reader,
    tickets: TicketsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Any:
    """Requires `tickets:read`. Oldest first."""
    notes, total = await tickets.list_notes(
        principal.tenant_id, ticket_id, limit=limit, offset=offset
    )
    return JsonResponse({"notes": notes, "total": total, "limit": limit, "offset": offset})


@router.get(
    "/{ticket_id}/attachments",
    response_model=AttachmentList,
    tags=["attachments"],
    responses=_NOTE_ERRORS,
)
async def list_attachments(ticket_id: uuid.UUID, principal: Reader, tickets: TicketsDep) -> Any:
    """Requires `tickets:read`. Every file of the ticket and of its notes, oldest first."""
    found = await tickets.list_attachments(principal.tenant_id, ticket_id)
    return JsonResponse({"attachments": found})


attachments_router = APIRouter(prefix="/api/v1/attachments", tags=["attachments"])

# Whatever a file holds, a browser saves it and never renders it as this site's page
# (every answer also says `X-Content-Type-Options: nosniff`: servicedesk.middleware).
_DOWNLOAD_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
}


@attachments_router.get(
    "/{attachment_id}",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The file's bytes, with its stored Content-Type and "
            "`Content-Disposition: attachment`.",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        },
        404: AttachmentNotFound.openapi_response(),
        422: VALIDATION_422,
    },
)
async def download_attachment(
    attachment_id: uuid.UUID, principal: Reader, tickets: TicketsDep
) -> FileResponse:
    """Requires `tickets:read`. Always a download (`Content-Disposition: attachment`),
    never shown inline, whatever its type."""
    found, path = await tickets.attachment_file(principal.tenant_id, attachment_id)
    return FileResponse(
        path,
        media_type=found["content_type"],
        filename=found["filename"],
        content_disposition_type="attachment",
        headers=_DOWNLOAD_HEADERS,
    )

"""HTTP routes of the Tickets API: /api/v1/tickets."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from servicedesk.auth.dependencies import require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.custom_fields import service as custom_fields
from servicedesk.db.session import ReadSession, WriteSession, get_database
from servicedesk.errors import (
    Forbidden,
    IdempotencyKeyReused,
    NoValidFields,
    ProviderRejected,
    TicketNotFound,
    Unauthorized,
    UnsupportedMediaType,
)
from servicedesk.http import require_json_body
from servicedesk.idempotency import service as idempotency
from servicedesk.providers import service as providers
from servicedesk.providers.base import OutboundTicket
from servicedesk.tickets import repository, service
from servicedesk.tickets.repository import TicketFilters
from servicedesk.tickets.schemas import (
    SEED_TICKET_EXAMPLE,
    Category,
    TicketCreate,
    TicketList,
    TicketOut,
    TicketPriority,
    TicketStatus,
    TicketUpdate,
    check_email,
    storable_text,
)
from servicedesk.triage import feedback as triage_feedback
from servicedesk.triage import service as triage
from servicedesk.triage.engine import TicketText

router = APIRouter(
    prefix="/api/v1/tickets",
    tags=["tickets"],
    responses={401: Unauthorized.openapi_response(), 403: Forbidden.openapi_response()},
)

Reader = Annotated[Principal, Depends(require_scope(Scope.TICKETS_READ))]
Writer = Annotated[Principal, Depends(require_scope(Scope.TICKETS_WRITE))]

CF_PREFIX = "cf."
# Offsets cost a scan of every skipped row; past this, `cursor` pages in constant time.
MAX_OFFSET = 100_000
SEARCH_MAX = 200

_VALIDATION_422 = {"description": "Validation error (FastAPI/Pydantic body)"}
_NOT_FOUND_404 = TicketNotFound.openapi_response()


@router.post(
    "",
    status_code=201,
    response_model=TicketOut,
    summary="Create a ticket",
    dependencies=[Depends(require_json_body)],
    responses={
        201: {"content": {"application/json": {"example": SEED_TICKET_EXAMPLE}}},
        400: ProviderRejected.openapi_response(
            {"detail": "requester_id: Please fill at least 1 of email, phone, requester_id"}
        ),
        409: IdempotencyKeyReused.openapi_response(),
        413: {"description": "Request body too large"},
        415: UnsupportedMediaType.openapi_response(),
        422: _VALIDATION_422,
    },
)
async def create_ticket(
    data: TicketCreate,
    request: Request,
    session: WriteSession,
    principal: Writer,
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
) -> JSONResponse:
    """Requires `tickets:write`. A replayed response carries `Idempotent-Replayed: true`.

    With an ITSM provider configured the ticket is created there first: its rejection is
    a 400 with its message and nothing is stored; if it cannot be reached in time the
    ticket is stored with `external_sync_status: "pending"` and synced in the background.
    """
    tenant_id = principal.tenant_id
    ticket_id = uuid.uuid4()
    database = get_database(request)
    settings = request.app.state.settings
    # Checked before the provider hears of the ticket: a 422 must not leave a mirror.
    async with database.lookup_sessions() as read:
        definitions = await custom_fields.definitions_of(read, tenant_id)
        provider = await providers.get_config(read, tenant_id)
        prepared = await triage.prepare(read, await triage.load_settings(read, tenant_id), settings)
    values = custom_fields.resolve_or_422(definitions, data.custom_fields)
    # Triaged before the provider call, so the mirror gets the routed status. A creator
    # who names the status has routed the ticket already.
    plan = await triage.plan_new_ticket(
        prepared,
        TicketText(data.subject, data.description),
        route="status" not in data.model_fields_set,
        budget_seconds=settings.triage_inline_timeout_seconds,
    )
    tried_provider = False
    attempt: providers.CreateAttempt | None = None

    async def try_provider() -> None:
        nonlocal tried_provider, attempt
        tried_provider = True
        attempt = await providers.create_at_provider(
            provider,
            request.app.state.settings,
            request.app.state.provider_http,
            OutboundTicket(
                ticket_id,
                data.subject,
                data.description,
                plan.routed_status or data.status,
                data.priority,
                data.requester_email,
                providers.mapped_custom_fields(provider, values),
            ),
        )

    async def create() -> idempotency.StoredResponse:
        if not tried_provider:
            await try_provider()  # only if the key's record expired since it was checked
        ticket = await service.create_ticket(
            session,
            tenant_id,
            data,
            actor=principal.key_id,
            ticket_id=ticket_id,
            external=attempt.ticket_fields() if attempt else None,
            custom_fields=values,
            follow_up=plan.follow_up(),
        )
        plan.after_insert(session, ticket)
        if attempt is not None and attempt.remote is None:
            providers.enqueue_create(
                session, ticket, ambiguous=attempt.ambiguous, retry_after=attempt.retry_after
            )
        return idempotency.StoredResponse(201, service.ticket_document(ticket))

    # The provider is called before our transaction opens, so no lock or connection is
    # held while it answers; a request that will be replayed never calls it.
    if provider is None:
        tried_provider = True
    elif idempotency_key is None or not await idempotency.is_live(
        database, tenant_id, idempotency_key
    ):
        await try_provider()
    if idempotency_key is None:
        response = await create()
    else:
        response = await idempotency.run_once(
            session,
            tenant_id=tenant_id,
            key=idempotency_key,
            request_fingerprint=idempotency.fingerprint(
                "POST", request.url.path, data.model_dump(mode="json", exclude_unset=True)
            ),
            ttl=timedelta(seconds=request.app.state.settings.idempotency_ttl_seconds),
            operation=create,
        )
    headers = {"Idempotent-Replayed": "true"} if response.replayed else None
    return JSONResponse(response.body, status_code=response.status_code, headers=headers)


@router.get(
    "/{ticket_id}",
    response_model=TicketOut,
    summary="Get a ticket",
    responses={404: _NOT_FOUND_404, 422: _VALIDATION_422},
)
async def get_ticket(ticket_id: uuid.UUID, session: ReadSession, principal: Reader) -> Any:
    """Requires `tickets:read`. A non-UUID id is 422; an unknown or foreign one is 404."""
    return await service.get_ticket(session, principal.tenant_id, ticket_id)


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A "+" in an unencoded query string arrives as a space: "…T10:00:00 02:00".
_SPACE_FOR_PLUS = re.compile(r" (\d{2}:?\d{2})$")


def _parse_instant(name: str, raw: str, *, end_of_day: bool) -> datetime:
    text = _SPACE_FOR_PLUS.sub(r"+\1", raw.strip())
    try:
        if _DATE_ONLY.match(text):
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(0), tzinfo=UTC)
            return start + timedelta(days=1, microseconds=-1) if end_of_day else start
        value = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise _query_error(name, "Input should be an ISO 8601 date or datetime", raw) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _query_error(name: str, message: str, raw: str) -> RequestValidationError:
    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", name), "msg": message, "input": raw}]
    )


def ticket_filters(
    status: Annotated[TicketStatus | None, Query(description="Any of the six statuses")] = None,
    start_date: Annotated[
        str | None,
        Query(description="ISO 8601; tickets with created_at >= this (naive means UTC)"),
    ] = None,
    end_date: Annotated[
        str | None,
        Query(description="ISO 8601; tickets with created_at <= this (a bare date: that day)"),
    ] = None,
    priority: Annotated[
        TicketPriority | None, Query(description="low, medium, high, urgent")
    ] = None,
    category: Annotated[Category | None, Query(description="Exact category")] = None,
    requester_email: Annotated[
        str | None, Query(max_length=320, description="Tickets of this requester")
    ] = None,
    updated_since: Annotated[
        str | None,
        Query(
            description="ISO 8601; tickets with updated_at >= this: what changed since your "
            "last sync (page with `cursor`)"
        ),
    ] = None,
    search: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=SEARCH_MAX,
            description="Full-text search over subject, description and notes: tickets with "
            "all the words (stemmed: `printers` finds `printer`), best match first, then "
            "newest. Pages with `offset` (no `next_cursor`).",
        ),
    ] = None,
) -> TicketFilters:
    created_from = (
        _parse_instant("start_date", start_date, end_of_day=False) if start_date else None
    )
    created_to = _parse_instant("end_date", end_date, end_of_day=True) if end_date else None
    if created_from and created_to and created_from > created_to:
        raise _query_error("end_date", "end_date must not be before start_date", end_date or "")
    return TicketFilters(
        status=status,
        created_from=created_from,
        created_to=created_to,
        priority=priority,
        category=category,
        requester_email=_email_filter(requester_email) if requester_email else None,
        updated_since=(
            _parse_instant("updated_since", updated_since, end_of_day=False)
            if updated_since
            else None
        ),
        search=_search_filter(search) if search is not None else None,
    )


def _search_filter(raw: str) -> str:
    try:
        text = storable_text(raw)
    except ValueError as error:
        raise _query_error("search", str(error), raw) from None
    if not repository.search_words(text):
        raise _query_error("search", "Search must contain at least one word", raw)
    return text


def _email_filter(raw: str) -> str:
    """The address as stored (normalised the way create normalises it)."""
    try:
        return check_email(raw)
    except ValueError as error:
        raise _query_error("requester_email", str(error), raw) from None


def _custom_field_params(request: Request) -> list[tuple[str, str]]:
    return [
        (key.removeprefix(CF_PREFIX), value)
        for key, value in request.query_params.multi_items()
        if key.startswith(CF_PREFIX)
    ]


def _custom_field_filters(
    definitions: custom_fields.Definitions, wanted: list[tuple[str, str]]
) -> tuple[tuple[str, str, Any], ...]:
    parsed = []
    for name, raw in wanted:
        definition = definitions.get(name)
        if definition is None:
            raise _query_error(f"{CF_PREFIX}{name}", "is not a custom field", raw)
        try:
            value = custom_fields.filter_value(definition, raw)
        except ValueError as error:
            raise _query_error(f"{CF_PREFIX}{name}", str(error), raw) from None
        parsed.append((name, definition.type, value))
    return tuple(parsed)


@router.get(
    "",
    response_model=TicketList,
    summary="List tickets",
    responses={422: _VALIDATION_422},
)
async def list_tickets(
    request: Request,
    response: Response,
    session: ReadSession,
    principal: Reader,
    filters: Annotated[TicketFilters, Depends(ticket_filters)],
    limit: Annotated[int, Query(ge=1, le=100, description="Results per page")] = 20,
    offset: Annotated[
        int,
        Query(
            ge=0,
            le=MAX_OFFSET,
            description=f"Number of results to skip (at most {MAX_OFFSET:,}; walk further "
            "with `cursor`)",
        ),
    ] = 0,
    cursor: Annotated[
        str | None,
        Query(
            max_length=200,
            description="`next_cursor` of the previous page: pages that never repeat or skip "
            "a ticket while new ones arrive. `offset` then counts from the cursor.",
        ),
    ] = None,
) -> TicketList:
    """Requires `tickets:read`. Newest first (created_at, then id). Custom fields filter
    as `cf.<name>=value` (repeatable over names; a multi_select matches tickets whose
    list holds the value)."""
    if cursor is not None and filters.search is not None:
        raise _query_error("cursor", "A search is ranked: page it with offset, not cursor", cursor)
    wanted = _custom_field_params(request)
    if wanted:
        definitions = await custom_fields.definitions_of(session, principal.tenant_id)
        filters = replace(filters, custom_fields=_custom_field_filters(definitions, wanted))
    try:
        page = await service.list_tickets(
            session, principal.tenant_id, filters, limit=limit, offset=offset, cursor=cursor
        )
    except service.InvalidCursor:
        raise _query_error("cursor", "Invalid cursor", cursor or "") from None
    if page.total.estimated:
        response.headers["Total-Is-Estimate"] = "true"
    return TicketList(
        tickets=[TicketOut.model_validate(ticket) for ticket in page.tickets],
        total=page.total.value,
        limit=limit,
        offset=offset,
        next_cursor=page.next_cursor,
    )


@router.patch(
    "/{ticket_id}",
    response_model=TicketOut,
    summary="Update a ticket",
    dependencies=[Depends(require_json_body)],
    responses={
        400: NoValidFields.openapi_response(),
        404: _NOT_FOUND_404,
        413: {"description": "Request body too large"},
        415: UnsupportedMediaType.openapi_response(),
        422: _VALIDATION_422,
    },
)
async def update_ticket(
    ticket_id: uuid.UUID, patch: TicketUpdate, session: WriteSession, principal: Writer
) -> Any:
    """Requires `tickets:write`. Omitted fields stay; `metadata` merges key by key; any
    status may be set, so close and reopen are PATCHes of `status`. `confidence_score`
    is never changed here."""
    ticket = await service.update_ticket(
        session,
        principal.tenant_id,
        ticket_id,
        patch,
        actor=principal.key_id,
        on_change=lambda changed_ticket, changed: (
            triage_feedback.record_overrides(session, changed_ticket, changed, principal.key_id)
            | providers.after_update(session, changed_ticket, changed)
        ),
    )
    return service.ticket_document(ticket)

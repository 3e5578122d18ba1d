"""The console's pages under /console/: sign-in and sign-out, the queues, the ticket
page with the AI panel and its actions. Each action makes the same service call as the
API, with the user as its actor (`user:<id>`), so history, webhooks and the provider
see it exactly as an API change."""

from __future__ import annotations

import contextlib
import posixpath
import uuid
from typing import Annotated, Any
from urllib.parse import quote, unquote, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from servicedesk.console import sessions
from servicedesk.console.access import (
    CurrentUser,
    FormUser,
    SignInRequired,
    directory_of,
    signed_in,
)
from servicedesk.console.dependencies import ThrottleDep
from servicedesk.console.queues import DEFAULT_VIEW, SORTS, VIEWS, Refinement
from servicedesk.console.render import (
    actor_label,
    bad_request,
    first_error,
    not_found,
    page,
    page_offset,
    search_text,
)
from servicedesk.console.sessions import COOKIE, COOKIE_PATH, SIGN_IN_COOKIE, SignedIn
from servicedesk.console.versions import CHANGED_MEANWHILE, Version, expected_version
from servicedesk.db.database import Database
from servicedesk.db.session import DatabaseDep
from servicedesk.errors import ApiError, TicketNotFound, ValidationFailed
from servicedesk.events.history import history_of
from servicedesk.http import SettingsDep
from servicedesk.tenant_config import TenantConfig
from servicedesk.tickets.cursors import InvalidCursor, decode_cursor
from servicedesk.tickets.dependencies import TicketsDep
from servicedesk.tickets.schemas import NoteCreate, TicketUpdate
from servicedesk.tickets.service import TicketService
from servicedesk.tickets.versions import TicketChanged
from servicedesk.triage.service import TRIAGE

router = APIRouter(prefix="/console", include_in_schema=False)

PAGE_SIZE = 25
SIGN_IN_TOKEN_SECONDS = 3600


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _local_target(target: str | None) -> str:
    """Where to go after sign-in: only a console path (never another site), judged as a
    browser will resolve it: percent-escapes decoded, dot segments removed."""
    fallback = "/console/"
    if not target or _unsafe(target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    path = unquote(parts.path)
    if path.startswith("//") or _unsafe(path):
        return fallback
    normal = posixpath.normpath(path)
    if normal != "/console" and not normal.startswith("/console/"):
        return fallback
    if path.endswith("/") and not normal.endswith("/"):
        normal += "/"
    return urlunsplit(("", "", quote(normal, safe=_PATH_SAFE), parts.query, ""))


_PATH_SAFE = "/-._~!$&'()*+,;=:@"


def _unsafe(text: str) -> bool:
    return "\\" in text or any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)


# -- sign-in ---------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
async def login_page(
    request: Request, database: DatabaseDep, settings: SettingsDep, next: str | None = None
) -> Response:
    with contextlib.suppress(SignInRequired):  # no current session: show the form
        await signed_in(request, database, settings)
        return RedirectResponse(_local_target(next), status_code=303)
    return _login_form(request, next, error=None)


def _login_form(
    request: Request, target: str | None, *, error: str | None, status_code: int = 200
) -> Response:
    token = sessions.new_token()
    response = page(
        request,
        "login.html",
        None,
        {"sign_in_token": token, "next": _local_target(target), "error": error},
        status_code=status_code,
    )
    response.set_cookie(
        SIGN_IN_COOKIE,
        token,
        max_age=SIGN_IN_TOKEN_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    return response


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    throttle: ThrottleDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    sign_in_token: Annotated[str | None, Form()] = None,
    next: Annotated[str | None, Form()] = None,
) -> Response:
    if (
        not sessions.same_token(request.cookies.get(SIGN_IN_COOKIE) or "", sign_in_token)
        or not sign_in_token
    ):
        return _login_form(
            request, next, error="The sign-in form expired. Please try again.", status_code=403
        )
    client = request.client.host if request.client else "unknown"
    if not await throttle.allowed(email, client):
        response = _login_form(
            request,
            next,
            error="Too many failed sign-ins. Wait a few minutes and try again.",
            status_code=429,
        )
        response.headers["Retry-After"] = str(throttle.retry_after_seconds)
        return response
    token = await database.write(
        lambda session: sessions.sign_in(session, email, password, settings)
    )
    if token is None:
        await throttle.failed(email, client)
        return _login_form(request, next, error="Wrong email or password.", status_code=401)
    response = RedirectResponse(_local_target(next), status_code=303)
    response.delete_cookie(SIGN_IN_COOKIE, path=COOKIE_PATH)
    response.set_cookie(
        COOKIE,
        token,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    return response


@router.post("/logout")
async def logout(request: Request, user: FormUser, database: DatabaseDep) -> Response:
    token = request.cookies.get(COOKIE) or ""
    await database.write(lambda session: sessions.end_session(session, token))
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


# -- queues ----------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, user: CurrentUser, tickets: TicketsDep) -> Response:
    return await _queue(request, tickets, user, DEFAULT_VIEW)


@router.get("/views/{view}", response_class=HTMLResponse)
async def queue(request: Request, view: str, user: CurrentUser, tickets: TicketsDep) -> Response:
    if view not in VIEWS:
        return not_found(request, user, "No such view.")
    return await _queue(request, tickets, user, view)


def _refinement(request: Request) -> Refinement:
    params = request.query_params
    sort = params.get("sort", "newest")
    return Refinement(
        status=params.get("status", "")[:20],
        priority=params.get("priority", "")[:10],
        category=params.get("category", "")[:100],
        group_id=params.get("group_id", "")[:36],
        assignee_id=params.get("assignee_id", "")[:36],
        search=search_text(params.get("search", "")),
        sort=sort if sort in SORTS else "newest",
    )


async def _queue(request: Request, tickets: TicketService, user: SignedIn, slug: str) -> Response:
    directory = await directory_of(tickets, user)
    refinement = _refinement(request)
    filters = refinement.apply(VIEWS[slug].filters(user, directory))
    cursor = request.query_params.get("cursor")
    offset = page_offset(request.query_params.get("offset"))
    use_cursor = cursor is not None and filters.search is None and refinement.sort == "newest"
    if use_cursor:
        try:
            decode_cursor(cursor or "")
        except InvalidCursor:
            return bad_request(request, user, "That page link is not one this console made.")
    try:
        found = await tickets.list_page(
            user.tenant_id,
            filters,
            limit=PAGE_SIZE,
            offset=0 if use_cursor else offset,
            cursor=cursor if use_cursor else None,
            order=refinement.sort,
        )
    except ValidationFailed:
        return not_found(request, user, "That filter cannot be applied.")
    base_query = refinement.query()
    counts = {}
    for view in VIEWS.values():
        if view.slug == slug and not base_query:
            counts[slug] = found.total.value  # this page's own total: counted already
        else:
            counts[view.slug] = (
                await tickets.count(user.tenant_id, view.filters(user, directory))
            ).value
    next_url = None
    if found.next_cursor:
        next_url = f"/console/views/{slug}?" + urlencode(
            {**base_query, "cursor": found.next_cursor}
        )
    elif not use_cursor and offset + PAGE_SIZE < found.total.value:
        next_url = f"/console/views/{slug}?" + urlencode(
            {**base_query, "offset": offset + PAGE_SIZE}
        )
    return page(
        request,
        "queue.html",
        user,
        {
            "views": VIEWS.values(),
            "view": VIEWS[slug],
            "counts": counts,
            "tickets": found.tickets,
            "total": found.total,
            "refinement": refinement,
            "sorts": SORTS,
            "directory": directory,
            "next_url": next_url,
            "first_url": f"/console/views/{slug}?" + urlencode(base_query),
            "paged": use_cursor or offset > 0,
        },
    )


# -- a ticket --------------------------------------------------------------------------


@router.get("/tickets/{ticket_id}", response_class=HTMLResponse)
async def ticket_page(
    request: Request,
    ticket_id: str,
    user: CurrentUser,
    database: DatabaseDep,
    tickets: TicketsDep,
) -> Response:
    return await _ticket_page(request, database, tickets, user, ticket_id)


async def _ticket_page(
    request: Request,
    database: Database,
    tickets: TicketService,
    user: SignedIn,
    ticket_id: str,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    try:
        wanted = uuid.UUID(ticket_id)
        ticket = await tickets.get(user.tenant_id, wanted)
        notes, _ = await tickets.list_notes(user.tenant_id, wanted, limit=100, offset=0)
        history = await history_of(database, user.tenant_id, wanted)
    except (ValueError, TicketNotFound):
        return not_found(request, user, "No such ticket.")
    directory = await directory_of(tickets, user)
    triage = next(
        (entry.triage for entry in reversed(history.events) if entry.triage is not None), None
    )
    config = await tickets.config_of(user.tenant_id)
    return page(
        request,
        "ticket.html",
        user,
        {
            "ticket": ticket,
            "notes": notes,
            "history": history.events,
            "triage": triage,
            "categories": _categories(config, ticket),
            "directory": directory,
            "actor_label": lambda actor: actor_label(actor, directory),
            "error": error,
        },
        status_code=status_code,
    )


def _categories(config: TenantConfig, ticket: dict[str, Any]) -> list[str]:
    known = list(config[TRIAGE].categories)
    if ticket["category"] and ticket["category"] not in known:
        known.append(ticket["category"])
    return known


async def _apply(
    request: Request,
    database: Database,
    tickets: TicketService,
    user: SignedIn,
    ticket_id: str,
    change: Any,
) -> Response:
    """Run `change` (a service call); back to the ticket page, or the page with the
    error when the change is refused."""
    try:
        wanted = uuid.UUID(ticket_id)
    except ValueError:
        return not_found(request, user, "No such ticket.")
    try:
        await change(wanted)
    except TicketNotFound:
        return not_found(request, user, "No such ticket.")
    except TicketChanged:
        return await _ticket_page(
            request, database, tickets, user, ticket_id, error=CHANGED_MEANWHILE, status_code=409
        )
    except ValidationError as error:
        return await _ticket_page(
            request,
            database,
            tickets,
            user,
            ticket_id,
            error=first_error(error.errors()),
            status_code=422,
        )
    except ValidationFailed as error:
        return await _ticket_page(
            request,
            database,
            tickets,
            user,
            ticket_id,
            error=first_error(error.errors),
            status_code=422,
        )
    except ApiError as error:
        return await _ticket_page(
            request,
            database,
            tickets,
            user,
            ticket_id,
            error=error.detail,
            status_code=error.status_code,
        )
    return RedirectResponse(f"/console/tickets/{wanted}", status_code=303)


@router.post("/tickets/{ticket_id}/reply")
async def send_reply(
    request: Request,
    ticket_id: str,
    user: FormUser,
    database: DatabaseDep,
    tickets: TicketsDep,
    body: Annotated[str, Form(max_length=65_536)] = "",
    status: Annotated[str, Form(max_length=20)] = "resolved",
    version: Version = None,
) -> Response:
    """The AI panel's send (the suggestion as it is, or as the agent edited it): a public
    reply to the requester, and the status the agent chose (resolved by default). An
    edited reply is also kept as the ticket's answer (triage learns from it). Sent for
    the version the page showed: a second click, or a send after someone else's change,
    is refused, not mailed twice."""

    async def change(wanted: uuid.UUID) -> None:
        await tickets.reply(
            user.tenant_id,
            wanted,
            body,
            status=status,
            actor=user.actor,
            expected=expected_version(version),
        )

    return await _apply(request, database, tickets, user, ticket_id, change)


@router.post("/tickets/{ticket_id}/discard")
async def discard_suggestion(
    request: Request,
    ticket_id: str,
    user: FormUser,
    database: DatabaseDep,
    tickets: TicketsDep,
    version: Version = None,
) -> Response:
    patch = TicketUpdate.model_validate({"ai_suggested_response": None})
    return await _apply(
        request,
        database,
        tickets,
        user,
        ticket_id,
        lambda wanted: tickets.update(
            user.tenant_id, wanted, patch, actor=user.actor, expected=expected_version(version)
        ),
    )


@router.post("/tickets/{ticket_id}/fields")
async def change_fields(
    request: Request,
    ticket_id: str,
    user: FormUser,
    database: DatabaseDep,
    tickets: TicketsDep,
    status: Annotated[str | None, Form(max_length=20)] = None,
    priority: Annotated[str | None, Form(max_length=10)] = None,
    category: Annotated[str | None, Form(max_length=100)] = None,
    group_id: Annotated[str | None, Form(max_length=36)] = None,
    assignee_id: Annotated[str | None, Form(max_length=36)] = None,
    version: Version = None,
) -> Response:
    """Status, priority, category, group and assignee as the form sent them (an empty
    choice: none). Only what differs from the ticket is changed; a category change is
    recorded as feedback for triage, as PATCH does. Made only if the ticket is still at
    the version the page showed: another agent's change in between is never undone."""
    sent = {
        "status": status,
        "priority": priority,
        "category": category,
        "group_id": group_id,
        "assignee_id": assignee_id,
    }

    async def change(wanted: uuid.UUID) -> None:
        current = await tickets.get(user.tenant_id, wanted)
        fields = {
            name: (value or None)
            for name, value in sent.items()
            if value is not None and (value or None) != current[name]
        }
        if fields:
            patch = TicketUpdate.model_validate(fields)
            await tickets.update(
                user.tenant_id, wanted, patch, actor=user.actor, expected=expected_version(version)
            )

    return await _apply(request, database, tickets, user, ticket_id, change)


@router.post("/tickets/{ticket_id}/notes")
async def add_note(
    request: Request,
    ticket_id: str,
    user: FormUser,
    database: DatabaseDep,
    tickets: TicketsDep,
    body: Annotated[str, Form(max_length=65_536)] = "",
    kind: Annotated[str, Form(max_length=10)] = "private",
) -> Response:

    async def change(wanted: uuid.UUID) -> None:
        note = NoteCreate(body=body, private=kind != "public")
        await tickets.add_note(user.tenant_id, wanted, note, actor=user.actor)

    return await _apply(request, database, tickets, user, ticket_id, change)

"""The console's admin pages for what connects the desk to other systems: webhooks
with their deliveries, attempts and retry; the ITSM provider's connection and each
ticket's sync state; the custom-field definitions; the mail a mailbox delivered that
was set aside. Read through the same services as the API; changes to these stay in the
API (`docs/console.md`), but a delivery can be retried and a set-aside message released
here."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicedesk.console.access import Admin, AdminForm
from servicedesk.console.render import not_found, page, page_offset
from servicedesk.console.sessions import SignedIn
from servicedesk.custom_fields import service as custom_fields
from servicedesk.db.database import Database
from servicedesk.db.session import DatabaseDep
from servicedesk.email import service as email
from servicedesk.email import set_aside
from servicedesk.errors import ApiError, ProviderNotConfigured
from servicedesk.providers import service as providers
from servicedesk.tickets.dependencies import TicketsDep
from servicedesk.webhooks import service as webhooks

router = APIRouter(prefix="/console/admin", include_in_schema=False)
DELIVERIES_SHOWN = 50
SET_ASIDE_SHOWN = 50


@router.get("/webhooks", response_class=HTMLResponse)
async def webhooks_page(request: Request, user: Admin, database: DatabaseDep) -> Response:
    found = await webhooks.list_webhooks(database, user.tenant_id)
    return page(request, "admin_webhooks.html", user, {"webhooks": found})


@router.get("/webhooks/{webhook_id}", response_class=HTMLResponse)
async def webhook_page(
    request: Request, webhook_id: str, user: Admin, database: DatabaseDep
) -> Response:
    return await _webhook_page(request, database, user, webhook_id)


async def _webhook_page(
    request: Request,
    database: Database,
    user: SignedIn,
    webhook_id: str,
    *,
    error: str | None = None,
) -> Response:
    try:
        webhook = await webhooks.get_webhook(database, user.tenant_id, webhook_id[:40])
        deliveries, total = await webhooks.list_deliveries(
            database, user.tenant_id, webhook.id, limit=DELIVERIES_SHOWN, offset=0
        )
    except ApiError:
        return not_found(request, user, "No such webhook.")
    context = {"webhook": webhook, "deliveries": deliveries, "total": total, "error": error}
    return page(request, "admin_webhook.html", user, context, status_code=409 if error else 200)


@router.post("/webhooks/{webhook_id}/deliveries/{delivery_id}/retry")
async def retry_delivery(
    request: Request, webhook_id: str, delivery_id: str, user: AdminForm, database: DatabaseDep
) -> Response:
    try:
        await webhooks.retry_delivery(database, user.tenant_id, webhook_id[:40], delivery_id[:40])
    except ApiError as error:
        if error.status_code == 404:
            return await _webhook_page(request, database, user, webhook_id)
        return await _webhook_page(request, database, user, webhook_id, error=error.detail)
    return RedirectResponse(f"/console/admin/webhooks/{webhook_id}", status_code=303)


@router.get("/provider", response_class=HTMLResponse)
async def provider_page(
    request: Request, user: Admin, database: DatabaseDep, tickets: TicketsDep
) -> Response:
    try:
        config = await providers.get_config(database, user.tenant_id)
    except ProviderNotConfigured:
        config = None
    counts, unsynced = await tickets.sync_states(user.tenant_id)
    context = {
        "config": config,
        "counts": sorted(counts.items(), key=lambda item: item[0] or ""),
        "unsynced": unsynced,
    }
    return page(request, "admin_provider.html", user, context)


@router.get("/custom-fields", response_class=HTMLResponse)
async def custom_fields_page(request: Request, user: Admin, database: DatabaseDep) -> Response:
    definitions = await custom_fields.list_definitions(database, user.tenant_id)
    return page(request, "admin_custom_fields.html", user, {"definitions": definitions})


@router.get("/mail", response_class=HTMLResponse)
async def set_aside_page(request: Request, user: Admin, database: DatabaseDep) -> Response:
    offset = page_offset(request.query_params.get("offset"))
    return await _set_aside_page(request, database, user, offset)


async def _set_aside_page(
    request: Request, database: Database, user: SignedIn, offset: int, *, error: str | None = None
) -> Response:
    messages, total = await set_aside.page(
        database, user.tenant_id, limit=SET_ASIDE_SHOWN, offset=offset
    )
    context = {
        "messages": messages,
        "total": total,
        "offset": offset,
        "shown": SET_ASIDE_SHOWN,
        "error": error,
    }
    return page(request, "admin_mail.html", user, context, status_code=409 if error else 200)


@router.post("/mail/{set_aside_id}/release")
async def release_set_aside(
    request: Request,
    set_aside_id: str,
    user: AdminForm,
    database: DatabaseDep,
    tickets: TicketsDep,
) -> Response:
    try:
        row_id = uuid.UUID(set_aside_id)
    except ValueError:
        return not_found(request, user, "No such message.")
    try:
        taken = await email.release_set_aside(tickets, user.tenant_id, row_id)
    except ApiError as error:
        if error.status_code == 404:
            return not_found(request, user, "No such message.")
        return await _set_aside_page(request, database, user, 0, error=error.detail)
    return RedirectResponse(f"/console/tickets/{taken.ticket_id}", status_code=303)

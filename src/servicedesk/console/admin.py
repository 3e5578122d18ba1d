"""The console's admin pages: users and groups, triage settings. An agent is refused
them (403)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from servicedesk.console.access import Admin, AdminForm, directory_of
from servicedesk.console.render import first_error, page
from servicedesk.console.sessions import SignedIn, disable_user
from servicedesk.db.database import Database
from servicedesk.db.session import DatabaseDep
from servicedesk.errors import ApiError, ValidationFailed
from servicedesk.http import SettingsDep
from servicedesk.tickets.dependencies import TicketsDep
from servicedesk.tickets.service import TicketService
from servicedesk.triage import service as triage
from servicedesk.triage.schemas import TriageConfigIn
from servicedesk.users import service as users
from servicedesk.users.schemas import GroupCreate, GroupUpdate

router = APIRouter(prefix="/console/admin", include_in_schema=False)


async def _users_page(
    request: Request,
    tickets: TicketService,
    user: SignedIn,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    # The tenant's directory (users by address, groups by name) is what a process
    # already keeps: no query of its own.
    directory = await directory_of(tickets, user)
    context = {
        "people": list(directory.users.values()),
        "groups": list(directory.groups.values()),
        "error": error,
    }
    return page(request, "admin_users.html", user, context, status_code=status_code)


@router.get("/users", response_class=HTMLResponse)
async def users_page(request: Request, user: Admin, tickets: TicketsDep) -> Response:
    return await _users_page(request, tickets, user)


@router.post("/users")
async def create_user(
    request: Request,
    user: AdminForm,
    database: DatabaseDep,
    tickets: TicketsDep,
    email: Annotated[str, Form(max_length=320)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=10)] = "agent",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    try:
        await database.write(
            lambda session: users.create_user(
                session, user.tenant_id, email=email, role=role, name=name, password=password
            ),
            tenant_id=user.tenant_id,
        )
    except users.UserExists:
        return await _users_page(
            request, tickets, user, error=f"{email} is already a user.", status_code=409
        )
    except ValueError as error:
        return await _users_page(request, tickets, user, error=str(error), status_code=422)
    return RedirectResponse("/console/admin/users", status_code=303)


@router.post("/users/{user_id}/active")
async def set_active(
    request: Request,
    user_id: str,
    user: AdminForm,
    database: DatabaseDep,
    tickets: TicketsDep,
    active: Annotated[str, Form(max_length=5)] = "false",
) -> Response:
    enable = active == "true"
    if str(user.user_id) == user_id and not enable:
        return await _users_page(
            request, tickets, user, error="You cannot disable yourself.", status_code=422
        )

    def change(session: Session) -> None:
        if enable:
            users.set_active(session, user.tenant_id, user_id, True)
        else:
            disable_user(session, user.tenant_id, user_id)

    try:
        await database.write(change, tenant_id=user.tenant_id)
    except ApiError:
        return await _users_page(request, tickets, user, error="No such user.", status_code=404)
    return RedirectResponse("/console/admin/users", status_code=303)


@dataclass
class GroupForm:
    """A group as the admin page posts it (an unchecked box is not sent)."""

    name: Annotated[str, Form(max_length=100)] = ""
    member_ids: Annotated[list[str] | None, Form()] = None
    round_robin: Annotated[str | None, Form(max_length=5)] = None

    def fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "member_ids": self.member_ids or [],
            "round_robin": self.round_robin == "on",
        }


GroupFormDep = Annotated[GroupForm, Depends()]


@router.post("/groups")
async def create_group(
    request: Request,
    user: AdminForm,
    form: GroupFormDep,
    database: DatabaseDep,
    tickets: TicketsDep,
) -> Response:
    async def save() -> None:
        data = GroupCreate.model_validate(form.fields())
        await users.create_group(database, user.tenant_id, data)

    return await _save_group(request, tickets, user, save)


@router.post("/groups/{group_id}")
async def update_group(
    request: Request,
    group_id: str,
    user: AdminForm,
    form: GroupFormDep,
    database: DatabaseDep,
    tickets: TicketsDep,
) -> Response:
    async def save() -> None:
        data = GroupUpdate.model_validate(form.fields())
        await users.update_group(database, user.tenant_id, uuid.UUID(group_id), data)

    return await _save_group(request, tickets, user, save)


async def _save_group(
    request: Request,
    tickets: TicketService,
    user: SignedIn,
    save: Callable[[], Awaitable[None]],
) -> Response:
    """Back to the users page; with the reason when the group was refused."""
    try:
        await save()
    except ApiError as error:
        return await _users_page(
            request, tickets, user, error=_message(error), status_code=error.status_code
        )
    except ValueError as error:  # pydantic's ValidationError, a malformed id
        return await _users_page(
            request, tickets, user, error=str(error).splitlines()[-1], status_code=422
        )
    return RedirectResponse("/console/admin/users", status_code=303)


def _message(error: ApiError) -> str:
    if isinstance(error, ValidationFailed) and error.errors:
        return str(error.errors[0]["msg"])
    return error.detail


# -- triage settings -------------------------------------------------------------------


async def _triage_page(
    request: Request,
    database: Database,
    tickets: TicketService,
    user: SignedIn,
    *,
    values: dict[str, Any] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    tenant, model = await triage.get_settings(database, user.tenant_id)
    directory = await directory_of(tickets, user)
    shown = values or {
        "categories": "\n".join(tenant.categories),
        "auto_routing": tenant.auto_routing,
        "threshold": tenant.threshold,
        "never_auto_resolve": list(tenant.never_auto_resolve),
        "engine": tenant.engine,
        "category_groups": {category: str(group) for category, group in tenant.category_groups},
        "category_descriptions": dict(tenant.category_descriptions),
        "retrain_every": tenant.retrain_every or "",
    }
    context = {
        "values": shown,
        "categories": [line for line in str(shown["categories"]).splitlines() if line.strip()],
        "groups": list(directory.groups.values()),
        "model": model,
        "error": error,
    }
    return page(request, "admin_triage.html", user, context, status_code=status_code)


@router.get("/triage", response_class=HTMLResponse)
async def triage_page(
    request: Request, user: Admin, database: DatabaseDep, tickets: TicketsDep
) -> Response:
    return await _triage_page(request, database, tickets, user)


@router.post("/triage")
async def save_triage(
    request: Request,
    user: AdminForm,
    database: DatabaseDep,
    tickets: TicketsDep,
    settings: SettingsDep,
) -> Response:
    """The whole configuration, as PUT /api/v1/configuration/triage takes it: one
    category per line; for each, whether it is never auto-resolved and its group."""
    form = await request.form()
    categories = [line.strip() for line in str(form.get("categories", "")).splitlines()]
    categories = [name for name in categories if name]
    values: dict[str, Any] = {
        "categories": "\n".join(categories),
        "auto_routing": form.get("auto_routing") == "on",
        "threshold": str(form.get("threshold", "")),
        "never_auto_resolve": [n for n in categories if form.get(f"never:{n}") == "on"],
        "engine": str(form.get("engine", "local")),
        "category_groups": {
            n: str(form.get(f"group:{n}")) for n in categories if form.get(f"group:{n}")
        },
        "category_descriptions": {
            n: str(form.get(f"description:{n}")).strip()
            for n in categories
            if str(form.get(f"description:{n}") or "").strip()
        },
        "retrain_every": str(form.get("retrain_every") or "").strip(),
    }
    try:
        data = TriageConfigIn.model_validate(
            {**values, "categories": categories, "retrain_every": values["retrain_every"] or None}
        )
        await triage.put_settings(database, settings, user.tenant_id, data)
    except ValidationError as error:
        message = first_error(error.errors())
        return await _triage_page(
            request, database, tickets, user, values=values, error=message, status_code=422
        )
    except ApiError as error:
        return await _triage_page(
            request,
            database,
            tickets,
            user,
            values=values,
            error=_message(error),
            status_code=error.status_code,
        )
    return RedirectResponse("/console/admin/triage", status_code=303)

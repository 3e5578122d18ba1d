"""Who may see a console page: the session behind the cookie, the admin role, and the
CSRF token every POST must carry. A page asked for without a session redirects to the
sign-in page; an API key opens no console page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response

from servicedesk.console.sessions import (
    COOKIE,
    SignedIn,
    current_user,
    resume_session,
    same_token,
)
from servicedesk.db.session import DatabaseDep
from servicedesk.http import SettingsDep
from servicedesk.tickets.service import TicketService
from servicedesk.users.service import DIRECTORY, Directory


class SignInRequired(Exception):
    """No current session: the browser is sent to the sign-in page."""


class NotAllowed(Exception):
    """Signed in, but the page or action is not for this user (403), or the form's CSRF
    token is missing or wrong (403)."""

    def __init__(self, user: SignedIn | None, message: str) -> None:
        super().__init__(message)
        self.user = user
        self.message = message


async def signed_in(request: Request, database: DatabaseDep, settings: SettingsDep) -> SignedIn:
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired()
    # A read; a write only when the session's last use must move on (once a minute)
    # or it has expired.
    user, stale = await database.read(lambda session: current_user(session, token, settings))
    if stale:
        user = await database.write(lambda session: resume_session(session, token, settings))
    if user is None:
        raise SignInRequired()
    return user


CurrentUser = Annotated[SignedIn, Depends(signed_in)]


async def admin(user: CurrentUser) -> SignedIn:
    if not user.is_admin:
        raise NotAllowed(user, "This page is for admins.")
    return user


Admin = Annotated[SignedIn, Depends(admin)]


async def checked_form(
    user: CurrentUser, csrf_token: Annotated[str | None, Form()] = None
) -> SignedIn:
    """The user of a POST whose form carries the session's CSRF token."""
    if not same_token(user.csrf_token, csrf_token):
        raise NotAllowed(
            user,
            "The form was out of date or not sent from this console. "
            "Go back, reload and try again.",
        )
    return user


FormUser = Annotated[SignedIn, Depends(checked_form)]


async def checked_admin_form(user: FormUser) -> SignedIn:
    if not user.is_admin:
        raise NotAllowed(user, "This action is for admins.")
    return user


AdminForm = Annotated[SignedIn, Depends(checked_admin_form)]


async def directory_of(tickets: TicketService, user: SignedIn) -> Directory:
    """The signed-in user's tenant's users and groups, as this process keeps them."""
    return (await tickets.config_of(user.tenant_id))[DIRECTORY]


def install_console_errors(app: FastAPI) -> None:
    from servicedesk.console.render import page

    async def to_sign_in(request: Request, exc: Exception) -> Response:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(f"/console/login?next={quote(target, safe='')}", status_code=303)

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NotAllowed)
        return page(
            request,
            "error.html",
            exc.user,
            {"message": exc.message, "title": "Not allowed"},
            status_code=403,
        )

    app.add_exception_handler(SignInRequired, to_sign_in)
    app.add_exception_handler(NotAllowed, refused)

"""`servicedesk users`: the people who sign in to the console."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from servicedesk.auth import service as auth
from servicedesk.cli.base import (
    TenantName,
    UserRef,
    fail,
    in_transaction,
    print_lines,
    tenant_id_of,
    users_app,
)
from servicedesk.console.sessions import disable_user, new_password
from servicedesk.errors import ApiError
from servicedesk.users import service as users
from servicedesk.users.repository import UserRepository
from servicedesk.users.schemas import RoleName as Role

PASSWORD_ENV = "SERVICEDESK_USER_PASSWORD"  # noqa: S105 (a variable's name)


def _new_password() -> str:
    """From SERVICEDESK_USER_PASSWORD, else asked for twice without echo: never an
    argument, so it stays out of shell history and the process list."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("create")
def users_create(
    tenant: TenantName,
    email: Annotated[str, typer.Option(help="Sign-in address.")],
    role: Annotated[Role, typer.Option(help="admin or agent.")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Create a console user; its password comes from SERVICEDESK_USER_PASSWORD or a
    hidden prompt. Prints the user's id alone on the last line."""
    password = _new_password()

    def work(session: Session) -> str:
        user = users.create_user(
            session,
            tenant_id_of(session, tenant),
            email=email,
            role=role.value,
            name=name,
            password=password,
        )
        return str(user.id)

    try:
        user_id = in_transaction(work)
    except auth.UnknownTenant:
        raise fail(f"no tenant named {tenant!r}") from None
    except users.UserExists:
        raise fail(f"tenant {tenant} already has a user {email.lower()}") from None
    except ValueError as error:  # the address, the role, a weak password
        raise fail(str(error)) from None
    typer.echo(f"created {role.value} {email.lower()} for tenant {tenant}")
    typer.echo(user_id)


@users_app.command("list")
def users_list(tenant: TenantName) -> None:
    """List a tenant's users: id, email, role, active or disabled, name."""

    def work(session: Session) -> list[str]:
        return [
            "\t".join(
                [
                    str(user.id),
                    user.email,
                    user.role,
                    "active" if user.active else "disabled",
                    user.name,
                ]
            )
            for user in UserRepository(session, tenant_id_of(session, tenant)).everyone()
        ]

    print_lines(tenant, work)


def _change_user(tenant: str, user: str, change: Callable[[Session, uuid.UUID], Any]) -> None:
    try:
        in_transaction(lambda session: change(session, tenant_id_of(session, tenant)))
    except auth.UnknownTenant:
        raise fail(f"no tenant named {tenant!r}") from None
    except ApiError:  # UserNotFound
        raise fail(f"tenant {tenant} has no user {user}") from None
    except ValueError as error:  # a weak password
        raise fail(str(error)) from None


@users_app.command("disable")
def users_disable(tenant: TenantName, user: UserRef) -> None:
    """Disable a user: signed out everywhere, cannot sign in or be assigned."""
    _change_user(tenant, user, lambda session, tenant_id: disable_user(session, tenant_id, user))
    typer.echo(f"disabled {user}")


@users_app.command("enable")
def users_enable(tenant: TenantName, user: UserRef) -> None:
    """Enable a disabled user again."""
    _change_user(
        tenant, user, lambda session, tenant_id: users.set_active(session, tenant_id, user, True)
    )
    typer.echo(f"enabled {user}")


@users_app.command("set-password")
def users_set_password(tenant: TenantName, user: UserRef) -> None:
    """Set a user's password (from SERVICEDESK_USER_PASSWORD or a hidden prompt); their
    sessions end."""
    password = _new_password()
    _change_user(
        tenant, user, lambda session, tenant_id: new_password(session, tenant_id, user, password)
    )
    typer.echo(f"password set for {user}")

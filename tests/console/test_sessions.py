"""Console sign-in, sessions, CSRF and roles, through the app (the browser tests drive
the same in Chromium)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from servicedesk.app import create_app
from servicedesk.config import Settings
from servicedesk.console.models import ConsoleSession
from servicedesk.console.render import HERE as CONSOLE_DIR
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from tests.conftest import USER_PASSWORD, ClientFactory, UserFactory
from tests.console.helpers import csrf_of, hidden_value, sign_in
from tests.routes import api_routes


async def test_a_page_without_a_session_redirects_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/console/views/mine?status=open")
    assert response.status_code == 303
    assert (
        response.headers["location"]
        == "/console/login?next=%2Fconsole%2Fviews%2Fmine%3Fstatus%3Dopen"
    )


async def test_an_api_key_opens_no_console_page(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/console/", headers=headers)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login")


async def test_sign_in_sets_an_http_only_lax_cookie_and_opens_the_queues(
    client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    await make_user(email="agent@example.com", name="Ada")

    response = await sign_in(client, "Agent@Example.com")

    assert response.status_code == 303
    assert response.headers["location"] == "/console/"
    cookie = next(
        value
        for name, value in response.headers.multi_items()
        if name == "set-cookie" and value.startswith("sd_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/console" in cookie
    assert "Secure" not in cookie  # plain http here; https sets it
    queues = await client.get("/console/")
    assert queues.status_code == 200
    assert "Needs review" in queues.text
    assert "Ada" in queues.text


async def test_a_wrong_password_or_unknown_address_is_refused_alike(
    client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    await make_user(email="agent@example.com")

    wrong = await sign_in(client, "agent@example.com", "not the password")
    unknown = await sign_in(client, "nobody@example.com", "not the password")

    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Wrong email or password." in response.text
        assert "sd_session=" not in response.headers.get("set-cookie", "")


async def test_a_disabled_user_cannot_sign_in(
    client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    await make_user(email="gone@example.com", active=False)
    assert (await sign_in(client, "gone@example.com")).status_code == 401


async def test_sign_in_without_the_forms_token_is_refused(
    client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    await make_user(email="agent@example.com")
    response = await client.post(
        "/console/login",
        data={"email": "agent@example.com", "password": "correct horse battery"},
    )
    assert response.status_code == 403
    assert "sd_session=" not in response.headers.get("set-cookie", "")


async def test_failed_sign_ins_are_throttled_per_address(
    client_with: ClientFactory, make_user: UserFactory
) -> None:
    await make_user(email="agent@example.com")
    async with client_with(console_sign_in_limit="3/minute") as client:
        for _ in range(3):
            assert (await sign_in(client, "agent@example.com", "wrong password")).status_code == 401
        throttled = await sign_in(client, "agent@example.com")  # even the right password
        assert throttled.status_code == 429
        assert int(throttled.headers["retry-after"]) > 0
        assert "Too many failed sign-ins" in throttled.text


async def test_a_post_without_the_csrf_token_is_403_and_changes_nothing(
    client: httpx.AsyncClient, make_user: UserFactory, create_ticket: Any
) -> None:
    await make_user(email="agent@example.com")
    ticket = await create_ticket()
    await sign_in(client, "agent@example.com")

    missing = await client.post(f"/console/tickets/{ticket['id']}/notes", data={"body": "hi"})
    wrong = await client.post(
        f"/console/tickets/{ticket['id']}/notes", data={"body": "hi", "csrf_token": "guess"}
    )

    assert missing.status_code == 403
    assert wrong.status_code == 403
    page = await client.get(f"/console/tickets/{ticket['id']}")
    assert "No notes yet." in page.text


async def test_sign_out_ends_the_session(client: httpx.AsyncClient, make_user: UserFactory) -> None:
    await make_user(email="agent@example.com")
    await sign_in(client, "agent@example.com")
    token = await csrf_of(client)
    stolen = client.cookies.get("sd_session")

    response = await client.post("/console/logout", data={"csrf_token": token})

    assert response.status_code == 303
    assert response.headers["location"] == "/console/login"
    client.cookies.set("sd_session", stolen or "", path="/console")
    assert (await client.get("/console/")).status_code == 303


async def test_an_idle_session_expires(
    client: httpx.AsyncClient, make_user: UserFactory, database: Database
) -> None:
    await make_user(email="agent@example.com")
    await sign_in(client, "agent@example.com")
    assert (await client.get("/console/")).status_code == 200

    long_ago = utcnow() - timedelta(minutes=121)
    await database.write(
        lambda session: session.execute(update(ConsoleSession).values(last_seen_at=long_ago))
    )

    assert (await client.get("/console/")).status_code == 303


async def test_an_agent_is_refused_admin_pages_and_an_admin_is_not(
    client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    await make_user(email="agent@example.com")
    await make_user(email="admin@example.com", role="admin")

    await sign_in(client, "agent@example.com")
    refused = await client.get("/console/admin/users")
    token = await csrf_of(client)
    refused_post = await client.post(
        "/console/admin/groups", data={"name": "Sneaky", "csrf_token": token}
    )
    assert refused.status_code == 403
    assert refused_post.status_code == 403

    client.cookies.clear()
    await sign_in(client, "admin@example.com")
    allowed = await client.get("/console/admin/users")
    assert allowed.status_code == 200
    assert "agent@example.com" in allowed.text
    assert "Sneaky" not in allowed.text


async def test_the_sign_in_page_only_returns_to_console_paths(
    client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    await make_user(email="agent@example.com")
    form = await client.get("/console/login?next=https://evil.example/")
    assert hidden_value(form.text, "next") == "/console/"


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("/console/../../api/v1/tickets", "/console/"),
        ("/console/%2e%2e/api/v1/tickets", "/console/"),
        ("/console/..%2f..%2fapi/v1/tickets", "/console/"),
        ("/console/\\evil.example/", "/console/"),
        ("//evil.example/console/", "/console/"),
        ("/%2fevil.example/console/", "/console/"),
        ("/console/%0d%0aSet-Cookie:x", "/console/"),
        ("javascript:alert(1)//console/", "/console/"),
        ("/consolex/", "/console/"),
        ("/console/views/../tickets/1", "/console/tickets/1"),
        ("/console/views/mine?status=open", "/console/views/mine?status=open"),
    ],
)
async def test_next_stays_under_the_console_once_normalised(
    client: httpx.AsyncClient, make_user: UserFactory, target: str, kept: str
) -> None:
    await make_user(email="agent@example.com")
    form = await client.get("/console/login", params={"next": target})
    assert hidden_value(form.text, "next") == kept

    token = hidden_value(form.text, "sign_in_token")
    signed_in = await client.post(
        "/console/login",
        data={
            "email": "agent@example.com",
            "password": USER_PASSWORD,
            "sign_in_token": token,
            "next": target,
        },
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == kept


async def test_console_pages_cannot_be_framed_or_run_inline_script(
    client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    await make_user(email="agent@example.com")
    for path in ("/console/login", "/console/static/console.css", "/console/views/mine"):
        response = await client.get(path)
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        assert "default-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    api = await client.get("/healthz")
    assert api.headers["x-content-type-options"] == "nosniff"


def test_no_console_template_holds_inline_script_or_style() -> None:
    """What the policy would refuse, the pages must not need."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)
    templates = sorted((CONSOLE_DIR / "templates").rglob("*.html"))
    assert templates
    for template in templates:
        assert not inline.search(template.read_text()), template.name


def _console_routes() -> list[tuple[str, str]]:
    """Every console route but the sign-in page: (method, path with ids filled in)."""
    app = create_app(Settings(environment="test"))
    found = []
    for route in api_routes(app):
        if not route.path.startswith("/console/"):
            continue
        if route.path == "/console/login":
            continue
        path = route.path.format(
            # Fixed ids: pytest-xdist's processes must collect the same test names.
            ticket_id=uuid.UUID(int=1),
            user_id=uuid.UUID(int=2),
            group_id=uuid.UUID(int=3),
            article_id=uuid.UUID(int=4),
            webhook_id="wh_x",
            delivery_id="dl_x",
            set_aside_id=uuid.UUID(int=5),
            view="all",
        )
        found.extend((method, path) for method in sorted(route.methods))
    return found


CONSOLE_ROUTES = _console_routes()


def test_the_console_has_the_routes_this_matrix_covers() -> None:
    paths = {path.split("/")[2] for _, path in CONSOLE_ROUTES}
    assert {"", "views", "tickets", "admin", "kb", "logout"} <= paths


@pytest.mark.parametrize(("method", "path"), CONSOLE_ROUTES)
async def test_every_console_route_wants_a_session_not_a_key(
    client: httpx.AsyncClient, headers: dict[str, str], method: str, path: str
) -> None:
    response = await client.request(method, path, headers=headers, data={"csrf_token": "x"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login?next=")

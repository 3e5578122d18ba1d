"""The console's templates (Jinja2, autoescaped: every text a user or a mail supplied is
rendered as text) and the helpers they use."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from servicedesk.console.sessions import SignedIn
from servicedesk.sla.clock import open_targets
from servicedesk.users.service import Directory
from servicedesk.validation import storable_text

HERE = Path(__file__).parent
# autoescape=True for every template: a ticket whose subject is `<script>` shows as text.
templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
)

STATUS_LABELS = {
    "open": "Open",
    "pending": "Pending",
    "resolved": "Resolved",
    "closed": "Closed",
    "ai_resolved": "Resolved by AI",
    "pending_agent": "Needs review",
}
PRIORITIES = ("low", "medium", "high", "urgent")


def when(value: str | datetime | None) -> str:
    """An instant as `2026-12-02 14:30 UTC`."""
    if value is None:
        return ""
    moment = (
        datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    )
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def as_uuid(value: str | uuid.UUID | None) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def actor_label(actor: str, directory: Directory | None) -> str:
    """Who made a change, as a person reads it: a user's name, an API key, triage, the
    provider."""
    kind, _, rest = actor.partition(":")
    if kind == "user" and directory is not None:
        user_id = as_uuid(rest)
        person = directory.users.get(user_id) if user_id is not None else None
        return person.label if person is not None else "a former user"
    if actor.startswith("key_"):
        return f"API key {actor}"
    if kind == "triage":
        return "AI triage"
    if kind == "assignment":
        return "round-robin assignment"
    if kind == "provider":
        return f"provider ({rest})" if rest else "provider"
    if actor == "sla":
        return "the SLA clock"
    return actor


@dataclass(frozen=True, slots=True)
class SlaBadge:
    """How a queue row or the ticket page shows a ticket's SLA: `kind` is the CSS class
    (breached, paused, soon, due, met)."""

    kind: str
    text: str


def sla_badge(sla: dict[str, Any] | None, now: datetime | None = None) -> SlaBadge | None:
    """The ticket's SLA at a glance: breached, paused, due in …, or met."""
    if not sla:
        return None
    now = now or datetime.now(UTC)
    if sla["breached"]:
        return SlaBadge("breached", "SLA breached")
    if sla["paused"]:
        return SlaBadge("paused", "SLA paused")
    open_dues = [datetime.fromisoformat(sla[f"{target}_due_at"]) for target in open_targets(sla)]
    if not open_dues:
        return SlaBadge("met", "SLA met")
    left = min(open_dues) - now
    if left.total_seconds() <= 0:
        return SlaBadge("breached", "Overdue")
    return SlaBadge("soon" if left <= SOON else "due", f"Due in {_span(left)}")


# A due time closer than this is shown as urgent.
SOON = timedelta(hours=1)


def _span(left: timedelta) -> str:
    minutes = int(left.total_seconds() // 60)
    if minutes < 90:
        return f"{max(minutes, 1)} min"
    hours = minutes / 60
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"


def requester(ticket: Any) -> str:
    """The requester as a mail client shows a sender: `Name <address>` when the ticket
    came by mail with a display name (its metadata's `email_from_name`), else the
    address."""
    address = ticket.get("requester_email") or ""
    metadata = ticket.get("metadata")
    name = metadata.get("email_from_name") if isinstance(metadata, dict) else None
    if isinstance(name, str) and name.strip() and address:
        return f"{name.strip()} <{address}>"
    return str(address)


templates.env.filters["when"] = when
templates.env.filters["requester"] = requester
templates.env.filters["uuid"] = as_uuid
templates.env.globals["sla_badge"] = sla_badge
templates.env.globals["STATUS_LABELS"] = STATUS_LABELS
templates.env.globals["PRIORITIES"] = PRIORITIES


def first_error(errors: Any) -> str:
    """The first of a validation's errors as one line: `field: message`."""
    first: dict[str, Any] = next(iter(errors), {}) if errors else {}
    location = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = str(first.get("msg", "invalid"))
    return f"{location}: {message}" if location else message


def search_text(raw: str) -> str:
    """A search box's text as a filter takes it: at most 200 characters, storable (one
    that is not, a NUL say, searches for nothing), trimmed."""
    try:
        return storable_text(raw[:200]).strip()
    except ValueError:
        return ""


def page_offset(raw: str | None) -> int:
    """A list's `offset` query parameter, within 0..100,000 (anything else: 0)."""
    try:
        return max(0, min(int(raw or 0), 100_000))
    except ValueError:
        return 0


def not_found(request: Request, user: SignedIn, message: str) -> HTMLResponse:
    context = {"title": "Not found", "message": message}
    return page(request, "error.html", user, context, status_code=404)


def bad_request(request: Request, user: SignedIn, message: str) -> HTMLResponse:
    context = {"title": "Bad request", "message": message}
    return page(request, "error.html", user, context, status_code=400)


def page(
    request: Request,
    name: str,
    user: SignedIn | None,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a template with the signed-in user and their CSRF token."""
    values = {
        "user": user,
        "csrf_token": user.csrf_token if user else "",
        **(context or {}),
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, name, values, status_code=status_code
    )
    response.headers["Cache-Control"] = "no-store"
    return response

"""Fake Freshservice and Zendesk servers on 127.0.0.1, for the provider tests.

Each implements the endpoints our clients use, with the vendor's envelopes, auth,
validation bodies and status codes (as their public API references describe them), and
counts what it was sent. Faults are injectable: stopped (connections refused), the next
N requests answered 500 or dropped without an answer, answered late, or rate limited
with 429 and `Retry-After`; `fail_after_create` makes a create succeed and then answer
500, the ambiguous case a retry must reconcile.
"""

from __future__ import annotations

import base64
import html
import json
import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from servicedesk.providers.base import TRACKING_TAG_PREFIX, tracking_tag
from tests.fakes.server import LoopbackServer


@dataclass
class Call:
    method: str
    path: str
    body: dict[str, Any] | None
    status: int
    at: float = field(default_factory=time.monotonic)

    def mentions(self, our_id: str) -> bool:
        """Whether the call concerns our ticket `our_id` (its tag, external_id or query)."""
        text = unquote(self.path) + json.dumps(self.body)
        tag = tracking_tag(uuid.UUID(our_id))
        return our_id in text or our_id.replace("-", "") in text or tag in text


@dataclass
class FakeITSM(LoopbackServer):
    """Shared machinery; subclasses implement `route`."""

    kind: str = ""
    port: int = 0
    fail_next: int = 0
    drop_next: int = 0
    fail_after_create: int = 0
    # Make the ticket, then answer 2xx with a body that is no JSON (a proxy's page).
    garble_after_create: int = 0
    delay: float = 0.0
    # While set and not yet let go, every request waits before it is handled (up to 30 s):
    # a provider slower than any client's timeout, with no clock to race.
    hold: threading.Event | None = None
    # Sleep after doing the work and before answering: a client (a worker) killed then
    # never learns that its create was made.
    answer_delay: float = 0.0
    # At most this many requests per `rate_window` seconds; then 429 with Retry-After.
    rate_limit: int | None = None
    rate_window: float = 1.0
    tickets: dict[int, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    next_id: int = 1000
    _server: ThreadingHTTPServer | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _window: list[float] = field(default_factory=list)

    # --- lifecycle -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeITSM:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def do_PUT(self) -> None:
                fake._handle(self, "PUT")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.serve(Handler)
        return self

    # --- what it holds ---------------------------------------------------------------

    def ticket_for(self, our_id: str) -> dict[str, Any]:
        """The one ticket made for our ticket `our_id` (fails if none or several)."""
        wanted = our_id.replace("-", "")
        matches = [t for t in self.tickets.values() if self.our_id(t) == wanted]
        assert len(matches) == 1, f"{len(matches)} tickets for {our_id}"
        return matches[0]

    def snapshot(self) -> list[dict[str, Any]]:
        """A copy of the tickets, safe to read while requests are being served."""
        with self._lock:
            return [dict(ticket) for ticket in self.tickets.values()]

    def create_calls_per_ticket(self) -> Counter[str]:
        """How many create calls succeeded for each of our tickets (replays included)."""
        with self._lock:
            creates = [c for c in self.calls if c.method == "POST" and c.status == 201]
        return Counter(self.our_id_of_body(call.body or {}) for call in creates)

    def our_id_of_body(self, body: dict[str, Any]) -> str:
        return self.our_id(body.get("ticket", body))

    def creates_per_ticket(self) -> Counter[str]:
        with self._lock:
            return Counter(self.our_id(t) for t in self.tickets.values())

    def our_id(self, ticket: dict[str, Any]) -> str:
        """Our ticket's id (32 hex digits) from the tracking tag (`sd-` + base32)."""
        for tag in ticket.get("tags", []):
            if tag.startswith(TRACKING_TAG_PREFIX):
                encoded = tag.removeprefix(TRACKING_TAG_PREFIX).upper()
                return base64.b32decode(encoded + "=" * (-len(encoded) % 8)).hex()
        return ""

    # --- request handling ------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length", "0"))
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        if self.delay:
            time.sleep(self.delay)
        if self.hold is not None:
            self.hold.wait(30)
        with self._lock:
            if self.drop_next > 0:
                self.drop_next -= 1
                self.calls.append(Call(method, handler.path, body, 0))
                handler.close_connection = True
                return
            status, answer, headers = self._answer(handler, method, body)
            self.calls.append(Call(method, handler.path, body, status))
            content_type = "application/json"
            payload = json.dumps(answer).encode() if answer is not None else b""
            if method == "POST" and status == 201 and self.garble_after_create > 0:
                self.garble_after_create -= 1
                content_type, payload = "text/html", b"<html><body>Created</body></html>"
        if self.answer_delay:
            time.sleep(self.answer_delay)
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            pass  # the client gave up (a timeout, a killed worker)

    def _answer(
        self, handler: BaseHTTPRequestHandler, method: str, body: dict[str, Any] | None
    ) -> tuple[int, Any, dict[str, str]]:
        status, answer, headers = self._answer_within_limits(handler, method, body)
        return status, answer, {**self.account_budget_headers(), **headers}

    def _answer_within_limits(
        self, handler: BaseHTTPRequestHandler, method: str, body: dict[str, Any] | None
    ) -> tuple[int, Any, dict[str, str]]:
        if self.rate_limit is not None:
            now = time.monotonic()
            self._window = [t for t in self._window if now - t < self.rate_window]
            if len(self._window) >= self.rate_limit:
                wait = max(1, int(self.rate_window - (now - self._window[0]) + 0.999))
                return 429, self.rate_limited_body(), {"Retry-After": str(wait)}
            self._window.append(now)
        if self.fail_next > 0:
            self.fail_next -= 1
            return 500, {"error": "Internal Server Error"}, {}
        if not self.authorized(handler.headers.get("Authorization", "")):
            return 401, self.unauthorized_body(), {}
        url = urlsplit(handler.path)
        status, answer, headers = self.route(method, url.path, parse_qs(url.query), body, handler)
        if method == "POST" and status == 201 and self.fail_after_create > 0:
            self.fail_after_create -= 1
            return 500, {"error": "Internal Server Error"}, {}
        return status, answer, headers

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    # --- vendor specifics ------------------------------------------------------------

    def authorized(self, header: str) -> bool:
        raise NotImplementedError

    def route(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: dict[str, Any] | None,
        handler: BaseHTTPRequestHandler,
    ) -> tuple[int, Any, dict[str, str]]:
        raise NotImplementedError

    def unauthorized_body(self) -> Any:
        return {"error": "unauthorized"}

    def rate_limited_body(self) -> Any:
        return {"error": "rate limited"}

    def account_budget(self) -> tuple[int, int]:
        """The account's requests a window and how many are left in this one."""
        if self.rate_limit is None:
            return ACCOUNT_LIMIT, ACCOUNT_LIMIT - 1
        return self.rate_limit, max(0, self.rate_limit - len(self._window))

    def account_budget_headers(self) -> dict[str, str]:
        return {}

    def status_of(self, our_id: str) -> object:
        return self.ticket_for(our_id)["status"]


# A plan's requests a minute when the fake is not told to limit (Zendesk Enterprise).
ACCOUNT_LIMIT = 700


def _basic(header: str) -> str:
    if not header.startswith("Basic "):
        return ""
    return base64.b64decode(header.removeprefix("Basic ")).decode()


@dataclass
class FakeFreshservice(FakeITSM):
    kind: str = "freshservice"
    api_key: str = "fs-test-api-key"
    # The account's custom ticket fields (GET /api/v2/ticket_fields names them).
    custom_field_names: frozenset[str] = frozenset({"cf_department", "cf_seats", "cf_vip"})

    def authorized(self, header: str) -> bool:
        return _basic(header).split(":", 1)[0] == self.api_key

    def unauthorized_body(self) -> Any:
        return {
            "code": "access_denied",
            "message": "You are not authorized to perform this action.",
        }

    def rate_limited_body(self) -> Any:
        return {"message": "You have exceeded the limit of requests per minute"}

    def account_budget_headers(self) -> dict[str, str]:
        # https://api.freshservice.com/#ratelimit: every answer carries the account's
        # budget for the minute.
        total, remaining = self.account_budget()
        return {"X-Ratelimit-Total": str(total), "X-Ratelimit-Remaining": str(remaining)}

    def route(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: dict[str, Any] | None,
        handler: BaseHTTPRequestHandler,
    ) -> tuple[int, Any, dict[str, str]]:
        if method == "POST" and path == "/api/v2/tickets":
            return self._create(body or {})
        if method == "GET" and path == "/api/v2/tickets/filter":
            return self._filter(query.get("query", [""])[0])
        conversation = re.fullmatch(r"/api/v2/tickets/(\d+)/(notes|reply)", path)
        if method == "POST" and conversation and int(conversation.group(1)) in self.tickets:
            return self._converse(int(conversation.group(1)), conversation.group(2), body or {})
        match = re.fullmatch(r"/api/v2/tickets/(\d+)", path)
        if match and int(match.group(1)) in self.tickets:
            ticket = self.tickets[int(match.group(1))]
            if method == "PUT":
                body = body or {}
                errors = _freshservice_errors(body, creating=False)
                errors += self._custom_field_errors(body)
                if errors:
                    return 400, {"description": "Validation failed", "errors": errors}, {}
                changes = {k: v for k, v in body.items() if k != "custom_fields"}
                custom_fields = {**ticket.get("custom_fields", {}), **body.get("custom_fields", {})}
                ticket.update(changes, custom_fields=custom_fields)
                ticket.update(_with_text(body, "description"))
            return 200, {"ticket": ticket}, {}
        return 404, {"code": "not_found", "message": "Record not found"}, {}

    def _create(self, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        errors = _freshservice_errors(body, creating=True) + self._custom_field_errors(body)
        if errors:
            return 400, {"description": "Validation failed", "errors": errors}, {}
        ticket_id = self.new_id()
        self.tickets[ticket_id] = {"id": ticket_id, "tags": [], **body}
        self.tickets[ticket_id].update(_with_text(body, "description"))
        location = f"{self.base_url}/api/v2/tickets/{ticket_id}"
        return 201, {"ticket": self.tickets[ticket_id]}, {"Location": location}

    def _custom_field_errors(self, body: dict[str, Any]) -> list[dict[str, str]]:
        return [
            {"field": name, "message": INVALID_FIELD, "code": "invalid_field"}
            for name in body.get("custom_fields", {})
            if name not in self.custom_field_names
        ]

    def _converse(
        self, ticket_id: int, kind: str, body: dict[str, Any]
    ) -> tuple[int, Any, dict[str, str]]:
        if not body.get("body"):
            errors = [
                {
                    "field": "body",
                    "message": "It should not be blank as this is a mandatory field",
                    "code": "missing_field",
                }
            ]
            return 400, {"description": "Validation failed", "errors": errors}, {}
        entry = {
            "id": self.new_id(),
            "body": body["body"],
            "private": bool(body.get("private")) if kind == "notes" else False,
            "incoming": False,
            "kind": kind,
            **_with_text(body, "body"),
        }
        self.tickets[ticket_id].setdefault("conversations", []).append(entry)
        return 201, {"conversation": entry}, {}

    def _filter(self, query: str) -> tuple[int, Any, dict[str, str]]:
        match = re.fullmatch(r"\"tag:'([^']+)'\"", query)
        if not match:
            return (
                400,
                {
                    "description": "Validation failed",
                    "errors": [
                        {"field": "query", "message": "Invalid query", "code": "invalid_value"}
                    ],
                },
                {},
            )
        found = [t for t in self.tickets.values() if match.group(1) in t.get("tags", [])]
        return 200, {"tickets": found, "total": len(found)}, {}


def _with_text(body: dict[str, Any], field: str) -> dict[str, str]:
    """Freshservice reads `description` and a conversation's `body` as HTML and answers
    each with a plain `<field>_text` beside it (api.freshservice.com: "description_text:
    Content of the ticket in plain text", "body_text"): line breaks come from `<br>`
    and block tags, tags vanish, entities are decoded. Plain text sent as is therefore
    loses its line breaks and anything in angle brackets, as it does there."""
    if not isinstance(body.get(field), str):
        return {}
    markup = re.sub(r"\s*\n\s*", " ", body[field])  # HTML whitespace collapses
    markup = re.sub(r"<br\s*/?>|</p>|</div>", "\n", markup, flags=re.IGNORECASE)
    text = html.unescape(re.sub(r"<[^>]*>", "", markup))
    text = re.sub(r" *\n *", "\n", text)  # a rendered line starts at its first word
    return {f"{field}_text": text.strip()}


def _freshservice_errors(body: dict[str, Any], *, creating: bool) -> list[dict[str, str]]:
    errors = []
    # Freshworks APIs take tags of at most 32 characters (the limit a reading of its
    # documentation found, issue 18); the answer has the API's usual validation shape.
    if any(len(tag) > TAG_MAX for tag in body.get("tags", [])):
        errors.append(
            {
                "field": "tags",
                "message": f"It should only contain elements that have maximum length of {TAG_MAX}",
                "code": "invalid_value",
            }
        )
    if creating and not (body.get("email") or body.get("requester_id") or body.get("phone")):
        errors.append(
            {
                "field": "requester_id",
                "message": "Please fill at least 1 of email, phone, requester_id fields",
                "code": "missing_field",
            }
        )
    if "status" in body and body["status"] not in (2, 3, 4, 5):
        errors.append(
            {
                "field": "status",
                "message": "It should be one of these values: '2,3,4,5'",
                "code": "invalid_value",
            }
        )
    if "priority" in body and body["priority"] not in (1, 2, 3, 4):
        errors.append(
            {
                "field": "priority",
                "message": "It should be one of these values: '1,2,3,4'",
                "code": "invalid_value",
            }
        )
    for name in ("subject", "description"):
        if creating and not body.get(name):
            errors.append(
                {
                    "field": name,
                    "message": "It should not be blank as this is a mandatory field",
                    "code": "missing_field",
                }
            )
    return errors


INVALID_FIELD = "Unexpected/invalid field in request"
TAG_MAX = 32
_ZENDESK_STATUSES = {"new", "open", "pending", "hold", "solved", "closed"}
_ZENDESK_PRIORITIES = {"low", "normal", "high", "urgent"}


@dataclass
class FakeZendesk(FakeITSM):
    """Zendesk itself makes the API user the requester of a ticket created without one;
    this fake refuses such a ticket instead, with the RecordInvalid body Zendesk uses for
    every validation failure, so that path is exercised against it too."""

    kind: str = "zendesk"
    agent_email: str = "bot@acme.example"
    api_token: str = "zd-test-api-token"
    idempotency: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Updates allowed to one ticket a window (Zendesk: 30 per 10 minutes per user and
    # ticket, https://developer.zendesk.com/api-reference/introduction/rate-limits/,
    # "Endpoint rate limits"); None: not limited. Over it: 429 with Retry-After while
    # the account's own budget headers still show requests left.
    ticket_update_limit: int | None = None
    ticket_update_window: float = 600.0
    _ticket_updates: dict[int, list[float]] = field(default_factory=dict)

    def authorized(self, header: str) -> bool:
        return _basic(header) == f"{self.agent_email}/token:{self.api_token}"

    def account_budget_headers(self) -> dict[str, str]:
        # Every Ticketing API answer carries the account-wide budget (same page,
        # "Monitoring your request activity"; the best-practices page lists both forms).
        total, remaining = self.account_budget()
        return {
            "X-Rate-Limit": str(total),
            "X-Rate-Limit-Remaining": str(remaining),
            "ratelimit-limit": str(total),
            "ratelimit-remaining": str(remaining),
        }

    def _ticket_update_wait(self, ticket_id: int) -> int | None:
        """Seconds until the ticket may be updated again; None if it may be now."""
        if self.ticket_update_limit is None:
            return None
        now = time.monotonic()
        recent = [
            t
            for t in self._ticket_updates.get(ticket_id, [])
            if now - t < self.ticket_update_window
        ]
        self._ticket_updates[ticket_id] = recent
        if len(recent) >= self.ticket_update_limit:
            return max(1, int(self.ticket_update_window - (now - recent[0]) + 0.999))
        recent.append(now)
        return None

    def unauthorized_body(self) -> Any:
        return {"error": "Couldn't authenticate you"}

    def rate_limited_body(self) -> Any:
        return {
            "error": "APIRateLimitExceeded",
            "description": "Number of allowed API requests per minute exceeded",
        }

    def our_id(self, ticket: dict[str, Any]) -> str:
        return str(ticket.get("external_id") or "").replace("-", "")

    def route(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: dict[str, Any] | None,
        handler: BaseHTTPRequestHandler,
    ) -> tuple[int, Any, dict[str, str]]:
        ticket_body = (body or {}).get("ticket") or {}
        if method == "POST" and path == "/api/v2/tickets.json":
            return self._create(ticket_body, handler.headers.get("Idempotency-Key"))
        if method == "GET" and path == "/api/v2/tickets.json":
            external_id = query.get("external_id", [None])[0]
            found = [t for t in self.tickets.values() if t.get("external_id") == external_id]
            return 200, {"tickets": found, "count": len(found)}, {}
        match = re.fullmatch(r"/api/v2/tickets/(\d+)\.json", path)
        if match and int(match.group(1)) in self.tickets:
            ticket = self.tickets[int(match.group(1))]
            if method == "PUT":
                wait = self._ticket_update_wait(ticket["id"])
                if wait is not None:
                    limited = {
                        "error": "APIRateLimitExceeded",
                        "description": "Number of allowed updates to this ticket exceeded",
                    }
                    return 429, limited, {"Retry-After": str(wait)}
                if ticket["status"] == "closed":
                    return (
                        422,
                        _record_invalid("status", "Status: closed prevents ticket update"),
                        {},
                    )
                errors = _zendesk_errors(ticket_body, creating=False)
                if errors:
                    return 422, errors, {}
                comment = ticket_body.pop("comment", None)
                if comment is not None:
                    ticket.setdefault("comments", []).append(
                        {"body": comment["body"], "public": comment.get("public", True)}
                    )
                changes = {k: v for k, v in ticket_body.items() if k != "custom_fields"}
                fields = _merged(ticket["custom_fields"], ticket_body.get("custom_fields", []))
                ticket.update(changes, custom_fields=fields)
            return 200, {"ticket": ticket}, {}
        return 404, {"error": "RecordNotFound", "description": "Not found"}, {}

    def _create(
        self, body: dict[str, Any], idempotency_key: str | None
    ) -> tuple[int, Any, dict[str, str]]:
        fingerprint = json.dumps(body, sort_keys=True)
        if idempotency_key and idempotency_key in self.idempotency:
            seen, ticket_id = self.idempotency[idempotency_key]
            if seen != fingerprint:
                return (
                    400,
                    {
                        "error": "IdempotentRequestError",
                        "description": "Request parameters do not match the original request",
                    },
                    {},
                )
            return 201, {"ticket": self.tickets[ticket_id]}, {"x-idempotency-lookup": "hit"}
        errors = _zendesk_errors(body, creating=True)
        if errors:
            return 422, errors, {}
        ticket_id = self.new_id()
        ticket = {"id": ticket_id, "status": "new", "priority": None, **body}
        ticket["custom_fields"] = _merged([], body.get("custom_fields", []))
        ticket["description"] = body["comment"]["body"]
        ticket["url"] = f"{self.base_url}/api/v2/tickets/{ticket_id}.json"
        self.tickets[ticket_id] = ticket
        if idempotency_key:
            self.idempotency[idempotency_key] = (fingerprint, ticket_id)
        return 201, {"ticket": ticket}, {"x-idempotency-lookup": "miss"}


def _merged(held: list[dict[str, Any]], changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Zendesk's `custom_fields`: one `{"id", "value"}` per field, a change replacing it."""
    values = {entry["id"]: entry["value"] for entry in [*held, *changes]}
    return [{"id": field_id, "value": value} for field_id, value in sorted(values.items())]


def _record_invalid(field_name: str, message: str) -> dict[str, Any]:
    return {
        "error": "RecordInvalid",
        "description": "Record validation errors",
        "details": {field_name: [{"description": message, "error": "InvalidValue"}]},
    }


def _zendesk_errors(body: dict[str, Any], *, creating: bool) -> dict[str, Any] | None:
    if creating and not (body.get("requester") or body.get("requester_id")):
        return _record_invalid("requester", "Requester: cannot be blank")
    if creating and not (body.get("comment") or {}).get("body"):
        return _record_invalid("description", "Description: cannot be blank")
    if "status" in body and body["status"] not in _ZENDESK_STATUSES:
        return _record_invalid("status", f"Status: {body['status']} is not valid")
    if "priority" in body and body["priority"] not in _ZENDESK_PRIORITIES:
        return _record_invalid("priority", f"Priority: {body['priority']} is not valid")
    for entry in body.get("custom_fields", []):
        if not isinstance(entry.get("id"), int) or "value" not in entry:
            return _record_invalid("custom_fields", "Custom fields: each needs an id and a value")
    return None

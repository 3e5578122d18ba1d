"""What every ITSM provider client offers, and the outcomes its calls come to.

A client turns our ticket into the vendor's and back. Its calls never raise for the
vendor's answers: they return `RemoteTicket` (it worked), `Rejected` (the vendor refused
the content: retrying cannot help) or `Unavailable` (down, 5xx, 429, a timeout, bad
credentials: retrying later can). `Unavailable.ambiguous` says the request may have
reached the vendor, so a retried create must first look for what it may have made.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import httpx

from servicedesk.http import retry_after_seconds

ERROR_MAX_CHARS = 500
# A change of any of these queues an update; of `custom_fields`, only the mapped ones are
# sent (ProviderConfig.custom_field_map).
SYNCED_FIELDS = ("subject", "description", "status", "priority", "custom_fields")


@dataclass(frozen=True, slots=True)
class OutboundTicket:
    """The fields of our ticket a provider receives."""

    ticket_id: uuid.UUID
    subject: str
    description: str
    status: str
    priority: str | None
    requester_email: str | None
    # The provider's field name or id → value (None: no value), mapped fields only.
    custom_fields: dict[str, Any] = field(default_factory=dict)

    def custom_fields_with_values(self) -> dict[str, Any]:
        """What a create sends: the mapped fields that hold a value (an update sends them
        all, None clearing the provider's value)."""
        return {name: value for name, value in self.custom_fields.items() if value is not None}


@dataclass(frozen=True, slots=True)
class RemoteTicket:
    id: str
    url: str


@dataclass(frozen=True, slots=True)
class Rejected:
    message: str


@dataclass(frozen=True, slots=True)
class Unavailable:
    message: str
    retry_after: float | None = None
    ambiguous: bool = False
    # A 429 while the account still had requests left: a narrower limit (one ticket's
    # updates, one endpoint's) that delays this call, not the tenant's others.
    narrow: bool = False


CallResult = RemoteTicket | Rejected | Unavailable
FindResult = RemoteTicket | Unavailable | None


@dataclass(frozen=True, slots=True)
class InboundChange:
    """A change the provider reports on its ticket, in our terms (None: not reported)."""

    external_ticket_id: str
    status: str | None
    priority: str | None


class Provider(Protocol):
    kind: str

    async def create(self, ticket: OutboundTicket) -> CallResult:
        """Create the ticket at the provider."""

    async def find(self, ticket_id: uuid.UUID) -> FindResult:
        """The provider's ticket made for our `ticket_id`, if any (reconciliation)."""

    async def update(self, external_id: str, ticket: OutboundTicket) -> CallResult:
        """Push the synced fields of our ticket onto the provider's."""

    async def add_note(self, external_id: str, body: str, *, private: bool) -> CallResult:
        """Add a private note, or a public reply to the requester, to the provider's ticket."""

    def ticket_url(self, external_id: str) -> str:
        """The deep link an agent opens."""


TRACKING_TAG_PREFIX = "sd-"


def tracking_tag(ticket_id: uuid.UUID) -> str:
    """The tag that marks a provider ticket as the mirror of ours, for reconciliation:
    `sd-` and the id's 16 bytes in lower-case base32, 29 characters. Freshworks caps a
    tag at 32 characters; `servicedesk-` and 32 hex digits (until 2026-12-03) made 44."""
    encoded = base64.b32encode(ticket_id.bytes).decode().rstrip("=").lower()
    return f"{TRACKING_TAG_PREFIX}{encoded}"


def failure_from_response(response: httpx.Response, rejection: str | None) -> CallResult:
    """Classify a non-2xx answer: `rejection` is the vendor's validation message, if any."""
    if rejection is not None:
        return Rejected(rejection[:ERROR_MAX_CHARS])
    return unavailable(response)


def unavailable(response: httpx.Response) -> Unavailable:
    """A non-2xx answer that retrying may cure; a 5xx may have done its work first."""
    message = f"HTTP {response.status_code}: {response.text[:200]}".strip()
    return Unavailable(
        message,
        retry_after=retry_after_seconds(response),
        ambiguous=response.status_code >= 500,
        narrow=response.status_code == 429 and account_budget_left(response),
    )


# The account-wide budget every answer carries: Zendesk's `X-Rate-Limit-Remaining` and
# `ratelimit-remaining`, Freshservice's `X-RateLimit-Remaining`.
ACCOUNT_REMAINING_HEADERS = (
    "x-rate-limit-remaining",
    "ratelimit-remaining",
    "x-ratelimit-remaining",
)


def account_budget_left(response: httpx.Response) -> bool:
    """Whether the answer says the account may still make requests this window."""
    for name in ACCOUNT_REMAINING_HEADERS:
        value = response.headers.get(name, "").strip()
        if value.isascii() and value.isdigit() and int(value) > 0:
            return True
    return False


def failure_from_error(error: httpx.HTTPError) -> Unavailable:
    # A refused connection never reached the vendor; anything after the request was sent
    # (a read timeout, a dropped connection) may have.
    sent = not isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    kind = "Timed out" if isinstance(error, httpx.TimeoutException) else "Connection failed"
    return Unavailable(f"{kind}: {type(error).__name__}", ambiguous=sent)


def reverse(mapping: dict[str, object]) -> dict[object, str]:
    """First key wins: several of our statuses may map to one of the provider's."""
    reversed_map: dict[object, str] = {}
    for ours, theirs in mapping.items():
        reversed_map.setdefault(theirs, ours)
    return reversed_map


class TicketApiClient:
    """What both vendors' clients share: Basic auth over httpx, `{"ticket": {...}}`
    answers, and the classification of failures. Subclasses name the paths and bodies."""

    kind: str
    vendor: str

    def __init__(self, http: httpx.AsyncClient, base_url: str, auth: httpx.BasicAuth) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.auth = auth

    def ticket_url(self, external_id: str) -> str:
        raise NotImplementedError

    def validation_message(self, response: httpx.Response) -> str | None:
        """The vendor's words when it refuses the content; None for other failures."""
        raise NotImplementedError

    def may_have_been_done(self, response: httpx.Response) -> bool:
        """Whether a refusal says that an earlier request may have done the work (the
        vendor's idempotency store): then a retry looks before it creates again."""
        return False

    async def _request(
        self, method: str, path: str, **options: Any
    ) -> httpx.Response | Unavailable:
        try:
            return await self.http.request(
                method, f"{self.base_url}{path}", auth=self.auth, **options
            )
        except httpx.HTTPError as error:
            return failure_from_error(error)

    async def _send(
        self, method: str, path: str, *, about: str | None = None, **options: Any
    ) -> CallResult:
        """Send; success is the ticket the answer holds, or ticket `about` for calls whose
        answer is something else (a conversation)."""
        response = await self._request(method, path, **options)
        if isinstance(response, Unavailable):
            return response
        if response.status_code in (200, 201):
            if about is not None:
                return RemoteTicket(about, self.ticket_url(about))
            return self._remote_of(response)
        if response.status_code == 404 and (method == "PUT" or about is not None):
            return Rejected(f"{self.vendor} has no such ticket (deleted there?)")
        if self.may_have_been_done(response):
            return replace(unavailable(response), ambiguous=True)
        return failure_from_response(response, self.validation_message(response))

    async def _first_found(self, path: str, params: dict[str, str]) -> FindResult:
        """The oldest ticket a search answers (there should be one at most), or None."""
        response = await self._request("GET", path, params=params)
        if isinstance(response, Unavailable):
            return response
        if response.status_code != 200:
            return unavailable(response)
        try:
            tickets = response.json().get("tickets") or []
            if not tickets:
                return None
            return self._remote(min(tickets, key=lambda found: int(found["id"])))
        except (ValueError, TypeError, KeyError, AttributeError):
            return _unreadable(response, self.vendor)

    def _remote_of(self, response: httpx.Response) -> RemoteTicket | Unavailable:
        """The ticket a success answer holds. A success without one (a proxy's page, a
        truncated body) may still have made it: ambiguous, so a retry looks first."""
        try:
            return self._remote(response.json()["ticket"])
        except (ValueError, TypeError, KeyError):
            return _unreadable(response, self.vendor)

    def _remote(self, ticket: dict[str, Any]) -> RemoteTicket:
        external_id = str(ticket["id"])
        return RemoteTicket(external_id, self.ticket_url(external_id))


def _unreadable(response: httpx.Response, vendor: str) -> Unavailable:
    return Unavailable(
        f"{vendor} answered HTTP {response.status_code} without a ticket we could read",
        ambiguous=True,
    )

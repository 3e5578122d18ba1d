"""servicedesk's Python client.

`api` and `models` are generated from the service's OpenAPI document (one module per
operation, with `sync`, `sync_detailed`, `asyncio` and `asyncio_detailed`); the rest is
the small layer generation cannot give: `connect` (the `X-API-Key` header, retries that
honour `Retry-After`), `unwrap` and `ApiError`, `iter_tickets`, idempotency keys and
webhook verification.
"""

from servicedesk_client.client import AuthenticatedClient, Client
from servicedesk_client.connection import RetryPolicy, connect
from servicedesk_client.idempotency import idempotency_key_for, new_idempotency_key
from servicedesk_client.paging import TicketFilters, aiter_tickets, iter_tickets
from servicedesk_client.results import ApiError, ErrorBody, check, unwrap
from servicedesk_client.webhooks import WebhookVerificationError, verify_webhook

__version__ = "0.1.0"

__all__ = (
    "ApiError",
    "AuthenticatedClient",
    "Client",
    "ErrorBody",
    "RetryPolicy",
    "TicketFilters",
    "WebhookVerificationError",
    "aiter_tickets",
    "check",
    "connect",
    "idempotency_key_for",
    "iter_tickets",
    "new_idempotency_key",
    "unwrap",
    "verify_webhook",
)

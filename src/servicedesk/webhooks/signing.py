"""Webhook secrets and the two signature schemes every delivery carries.

- `X-Servicedesk-Signature: sha256=<hex>`: HMAC-SHA256 of the raw body, keyed with the
  secret's UTF-8 bytes (the seed vendor's scheme).
- Standard Webhooks: `webhook-signature: v1,<base64>` over "{id}.{timestamp}.{body}",
  keyed with the base64-decoded secret, so `standardwebhooks.Webhook(secret)` verifies it.

The secret is shown as the seed vendor shows it (no prefix) and also in the Standard
Webhooks form, `whsec_<secret>`; a verifier given either form strips the prefix. During
a rotation both headers carry one signature per live secret, newest first:
space-separated in `webhook-signature` (the standard's rule), comma-separated in
`X-Servicedesk-Signature`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_BYTES = 27  # 36 base64 characters, no padding
STANDARD_PREFIX = "whsec_"


def generate_secret() -> str:
    return base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def standard_form(secret: str) -> str:
    """The secret as Standard Webhooks libraries and their users expect to see it."""
    return STANDARD_PREFIX + secret


def without_prefix(secret: str) -> str:
    """A secret in either form, as stored and as keyed (the official libraries strip the
    prefix the same way)."""
    return secret.removeprefix(STANDARD_PREFIX)


def hex_signature(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(without_prefix(secret))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return f"v1,{base64.b64encode(digest).decode()}"


def signature_headers(
    current_secret: str, previous_secret: str | None, message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The signing headers of one attempt; `timestamp` is Unix seconds of that attempt."""
    live = [current_secret] + ([previous_secret] if previous_secret else [])
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            standard_signature(secret, message_id, timestamp, body) for secret in live
        ),
        "X-Servicedesk-Signature": ",".join(hex_signature(secret, body) for secret in live),
    }

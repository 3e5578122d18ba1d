"""Checking that a webhook request came from your servicedesk (Standard Webhooks).

    payload = verify_webhook(secret, request_body, request_headers)

Every delivery carries `webhook-id`, `webhook-timestamp` and `webhook-signature`
(`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the base64-decoded
secret; during a secret rotation's overlap, one signature per secret, space
separated). The secret may be given with or without the `whsec_` prefix.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

TOLERANCE_SECONDS = 5 * 60


class WebhookVerificationError(Exception):
    """The request is not a delivery signed with this secret (or is too old)."""


def verify_webhook(
    secret: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> dict[str, Any]:
    """The delivery's JSON payload, once its signature and timestamp hold; raises
    `WebhookVerificationError` otherwise. `body` is the raw request body, unparsed."""
    lower = {name.lower(): value for name, value in headers.items()}
    message_id, timestamp, signatures = (
        lower.get("webhook-id"),
        lower.get("webhook-timestamp"),
        lower.get("webhook-signature"),
    )
    if not (message_id and timestamp and signatures):
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    _check_timestamp(timestamp, tolerance, time.time() if now is None else now)
    expected = _signature(_key(secret), message_id, timestamp, body)
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
            payload: dict[str, Any] = json.loads(body)
            return payload
    raise WebhookVerificationError("no signature matches this secret")


def _key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except binascii.Error as error:
        raise WebhookVerificationError("the secret is not base64") from error


def _check_timestamp(raw: str, tolerance: int, now: float) -> None:
    try:
        sent = int(raw)
    except ValueError as error:
        raise WebhookVerificationError("webhook-timestamp is not a number") from error
    if abs(now - sent) > tolerance:
        raise WebhookVerificationError("webhook-timestamp is outside the tolerance")


def _signature(key: bytes, message_id: str, timestamp: str, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()

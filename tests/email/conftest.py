"""The e-mail tests: an SMTP server on loopback, settings that send through it, a key
that may hand in mail, and builders of raw messages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import httpx
import pytest

from servicedesk.config import Settings
from tests.smtp_server import SmtpServer

SUPPORT = "support@acme.example"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return settings.model_copy(
        update={
            "smtp_url": smtp.url,
            "mail_from": f"Acme IT <{SUPPORT}>",
            "smtp_timeout_seconds": 5.0,
            "email_retry_base_seconds": 0.05,
            "email_retry_max_seconds": 0.2,
        }
    )


def mail(
    *,
    sender: str = "ana@customer.example",
    subject: str = "Printer on floor 3 is jammed",
    body: str = "It shows error E-52 since this morning.",
    to: str = SUPPORT,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id or make_msgid(domain="customer.example")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


async def hand_in(
    client: httpx.AsyncClient, headers: dict[str, str], raw: bytes, status: int = 201
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/inbound/email",
        content=raw,
        headers={**headers, "Content-Type": "message/rfc822"},
    )
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def configure(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    body = {"addresses": [SUPPORT], "from_name": "Acme IT", **overrides}
    response = await client.put("/api/v1/configuration/email", json=body, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result

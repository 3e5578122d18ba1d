"""Bodies of /api/v1/configuration/email and /api/v1/inbound/email."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from servicedesk.email.mail_templates import HTML_MAX, TEXT_MAX, check
from servicedesk.validation import Email, SingleLine, Storable, storable_text

EMAIL_CONFIG_EXAMPLE: dict[str, Any] = {
    "addresses": ["support@acme.example"],
    "from_address": "support@acme.example",
    "from_name": "Acme IT",
    "send_replies": True,
    "acknowledge_new": False,
}


Hostname = Annotated[
    str, Field(min_length=1, max_length=253, pattern=r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")
]
Folder = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f\"*%]+$")]


class ImapSecurity(StrEnum):
    TLS = "tls"
    STARTTLS = "starttls"
    NONE = "none"


class ImapFields(BaseModel):
    """A mailbox the worker polls: each message becomes a ticket or a note, then moves to
    `processed_folder`."""

    model_config = ConfigDict(extra="forbid")

    host: Hostname
    port: int = Field(default=993, ge=1, le=65535)
    security: ImapSecurity = Field(
        default=ImapSecurity.TLS,
        description="`tls` (port 993), `starttls` (143), or `none`: for a server on the "
        "same host or network only, the password travels in the clear",
    )
    username: Annotated[str, Field(min_length=1, max_length=320), Storable]
    folder: Folder = "INBOX"
    processed_folder: Folder = Field(
        default="Processed", description="Where taken messages go (made when missing)"
    )
    quarantine_folder: Folder = Field(
        default="Quarantine",
        description="Where messages that cannot be taken go, set aside (made when needed)",
    )
    poll_seconds: int = Field(default=60, ge=5, le=3600)


class ImapIn(ImapFields):
    password: SecretStr | None = Field(
        default=None,
        description="Stored encrypted, never shown again; leave it out to keep the stored one",
    )

    @field_validator("password")
    @classmethod
    def _storable_password(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            secret = storable_text(value.get_secret_value())
            if not secret or any(not c.isprintable() for c in secret):
                raise ValueError("password must be printable text")
        return value


class ImapOut(ImapFields):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    password_set: bool


class MailTemplates(BaseModel):
    """Jinja2 templates the tenant's mail is written from instead of the shipped ones
    (null: the shipped one). Variables: `marker`, `kind` (`reply`, `ai_reply`,
    `acknowledgement`), `body`, `subject`, `token`, `sender_name`, `left_out` (files too
    large to attach). Checked when set; the HTML one escapes every value."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(min_length=1, max_length=TEXT_MAX), Storable] | None = None
    html: Annotated[str, Field(min_length=1, max_length=HTML_MAX), Storable] | None = None

    @field_validator("text")
    @classmethod
    def _text_renders(cls, value: str | None) -> str | None:
        return None if value is None else check("text", value)

    @field_validator("html")
    @classmethod
    def _html_renders(cls, value: str | None) -> str | None:
        return None if value is None else check("html", value)


class EmailConfigIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [EMAIL_CONFIG_EXAMPLE]}
    )

    addresses: list[Email] = Field(
        min_length=1,
        max_length=20,
        description="The tenant's support addresses: mail to them is the tenant's, and "
        "mail from them is never answered",
    )
    from_address: Email | None = Field(
        default=None, description="Replies are sent from it (default: SERVICEDESK_MAIL_FROM)"
    )
    from_name: Annotated[str, Field(max_length=100), Storable, SingleLine] | None = Field(
        default=None, description="The name replies are sent under, e.g. Acme IT"
    )
    send_replies: bool = Field(
        default=True,
        description="Mail public notes and the AI's resolving reply to the requester",
    )
    acknowledge_new: bool = Field(
        default=False, description="Answer a new ticket by mail with an acknowledgement"
    )
    authentication_hosts: list[Hostname] = Field(
        default_factory=list,
        max_length=10,
        description="The receiving mail servers (their authserv-id, e.g. mx.acme.example) "
        "whose Authentication-Results headers are believed: a reply from an agent's "
        "address is the agent's only when one of them vouches for its domain (DMARC or "
        "DKIM pass); without any, such replies are private notes to confirm",
    )
    imap: ImapIn | None = Field(
        default=None, description="A mailbox to poll (none: mail in by the API)"
    )
    templates: MailTemplates | None = Field(
        default=None, description="The tenant's own mail templates (none: the shipped ones)"
    )

    @field_validator("addresses")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(address.lower() for address in value))

    @field_validator("authentication_hosts")
    @classmethod
    def _lower_hosts(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(host.lower() for host in value))


class EmailConfigOut(EmailConfigIn):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    imap: ImapOut | None = None  # type: ignore[assignment]

    smtp_configured: bool = Field(description="Whether SERVICEDESK_SMTP_URL is set")
    updated_at: datetime


class InboundEmailResult(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    ticket_id: str | None = Field(description="The ticket the message made or joined")
    note_id: str | None = Field(description="The note it became (null: a new ticket)")
    created: bool = Field(description="A new ticket (false: it joined one, or was taken before)")
    ignored: str | None = Field(
        default=None,
        description="Why nothing was made: `bounce` (a delivery report) or `own_address` "
        "(sent from a support or sending address: a loop)",
    )


class SetAsideOut(BaseModel):
    """A polled message the desk could not take as it is, kept whole."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    id: str
    source: str = Field(description="Where it came from: `imap`")
    reason: str = Field(description="Why it could not be taken, e.g. a limit it went past")
    message_id: str | None = Field(description="Its Message-ID, when its header says one")
    sender: str | None = Field(description="Its From address, when valid")
    subject: str | None
    size: int = Field(description="Bytes")
    created_at: datetime
    released: bool = Field(description="Whether an admin made it a ticket")
    ticket_id: str | None = Field(description="The ticket it was released as")


class SetAsideList(BaseModel):
    messages: list[SetAsideOut]
    total: int
    limit: int
    offset: int

"""Bodies of /api/v1/configuration/provider and of the providers' inbound calls."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from servicedesk.tickets.schemas import Email, storable_text

ProviderKind = Literal["freshservice", "zendesk"]
_VENDOR_SUFFIXES = (".freshservice.com", ".zendesk.com")
_SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


class ProviderConfigIn(BaseModel):
    """PUT /api/v1/configuration/provider. Omit `api_key` to keep the stored one (same
    kind and domain only)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "freshservice",
                    "domain": "acme",
                    "api_key": "your-freshservice-api-key",
                    "default_requester_email": "it-desk@acme.example",
                },
                {
                    "kind": "zendesk",
                    "domain": "acme",
                    "agent_email": "bot@acme.example",
                    "api_key": "your-zendesk-api-token",
                },
            ]
        },
    )

    kind: ProviderKind
    domain: str = Field(
        min_length=1,
        max_length=100,
        description="The account's subdomain: `acme` for acme.freshservice.com "
        "(the full host name is accepted too).",
    )
    api_key: SecretStr | None = Field(
        default=None,
        min_length=1,
        max_length=512,
        description="Freshservice API key, or Zendesk API token. Stored encrypted, never returned.",
    )
    agent_email: Email | None = Field(
        default=None, description="Zendesk only: the agent the API token belongs to."
    )
    default_requester_email: Email | None = Field(
        default=None, description="The requester of tickets created without one."
    )

    @field_validator("api_key")
    @classmethod
    def _storable_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            storable_text(value.get_secret_value())
        return value

    @field_validator("domain")
    @classmethod
    def _subdomain(cls, value: str) -> str:
        domain = value.strip().lower().removeprefix("https://").rstrip("/")
        for suffix in _VENDOR_SUFFIXES:
            domain = domain.removesuffix(suffix)
        if not _SUBDOMAIN.match(domain):
            raise ValueError("domain must be the account's subdomain, e.g. 'acme'")
        return domain


class ProviderConfigOut(BaseModel):
    kind: ProviderKind
    domain: str
    base_url: str = Field(description="Where the provider's API is called.")
    agent_email: str | None
    default_requester_email: str | None
    inbound_url: str = Field(
        description="Where the provider's automation posts ticket changes "
        "(with `Authorization: Bearer <inbound_secret>`)."
    )
    inbound_secret: str | None = Field(
        default=None,
        description="Shown once, when it is made (first PUT, or rotation); stored hashed.",
    )
    created_at: datetime
    updated_at: datetime


class InboundSecretOut(BaseModel):
    inbound_url: str
    inbound_secret: str


class InboundResult(BaseModel):
    ticket_id: str
    changed: list[str] = Field(description="Our fields the call changed (empty: an echo).")

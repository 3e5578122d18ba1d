"""Bodies of /api/v1/configuration/provider and of the providers' inbound calls."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator

from servicedesk.custom_fields.schemas import NAME_PATTERN
from servicedesk.validation import Email, storable_text


class ProviderKind(StrEnum):
    FRESHSERVICE = "freshservice"
    ZENDESK = "zendesk"


_VENDOR_SUFFIXES = (".freshservice.com", ".zendesk.com")
_SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# Freshservice names its custom ticket fields like `cf_department`; Zendesk numbers them.
_PROVIDER_FIELD = {
    "freshservice": (re.compile(r"^[A-Za-z0-9_]{1,100}$"), "a Freshservice field name"),
    "zendesk": (re.compile(r"^[1-9][0-9]{0,18}$"), "a Zendesk ticket field id"),
}
CustomFieldName = Annotated[str, Field(pattern=NAME_PATTERN)]
CUSTOM_FIELD_MAP_MAX = 100


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
    custom_field_map: dict[CustomFieldName, str] = Field(
        default_factory=dict,
        max_length=CUSTOM_FIELD_MAP_MAX,
        description="Which of the provider's custom ticket fields each of our custom fields "
        'fills: `{"department": "cf_department"}` (a Freshservice field name) or '
        '`{"department": "360001234567"}` (a Zendesk ticket field id). Unmapped '
        "fields stay here. Replaced whole by each PUT.",
        examples=[{"department": "cf_department"}],
    )

    @field_validator("custom_field_map")
    @classmethod
    def _provider_fields(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        kind = info.data.get("kind")
        if kind is None:
            return value  # `kind` itself is reported
        pattern, what = _PROVIDER_FIELD[kind]
        for ours, theirs in value.items():
            if not pattern.match(theirs):
                raise ValueError(f"{ours!r} must map to {what}, not {theirs!r}")
        if len(set(value.values())) < len(value):
            raise ValueError("two of our fields map to one provider field")
        return value

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
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    kind: ProviderKind
    domain: str
    base_url: str = Field(description="Where the provider's API is called.")
    agent_email: str | None
    default_requester_email: str | None
    custom_field_map: dict[str, str]
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

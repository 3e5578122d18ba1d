"""The scopes an API key can hold."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    TICKETS_READ = "tickets:read"
    TICKETS_WRITE = "tickets:write"
    WEBHOOKS_MANAGE = "webhooks:manage"
    KB_READ = "kb:read"
    KB_WRITE = "kb:write"
    CONFIG_READ = "config:read"
    CONFIG_WRITE = "config:write"
    USERS_READ = "users:read"
    USERS_WRITE = "users:write"
    EMAIL_INGEST = "email:ingest"

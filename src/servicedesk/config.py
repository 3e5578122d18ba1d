"""The one settings object: every `SERVICEDESK_*` environment variable lives here."""

from __future__ import annotations

import email.utils
import ipaddress
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Each way users write the two databases' URLs (SQLAlchemy's driver names included),
# and the driver this project uses for it: asyncpg, and the stdlib's sqlite3 (the
# database layer runs it on threads of its own, so an async SQLite driver is not used).
_DRIVERS = {
    "postgres://": "postgresql+asyncpg://",
    "postgresql://": "postgresql+asyncpg://",
    "postgresql+asyncpg://": "postgresql+asyncpg://",
    "postgresql+psycopg://": "postgresql+asyncpg://",
    "postgresql+psycopg2://": "postgresql+asyncpg://",
    "sqlite://": "sqlite+pysqlite://",
    "sqlite+pysqlite://": "sqlite+pysqlite://",
    "sqlite+aiosqlite://": "sqlite+pysqlite://",
}
ACCEPTED_DATABASE_URLS = "sqlite:///PATH or postgresql://USER@HOST/DATABASE"


def driver_database_url(url: str) -> str:
    """Return `url` with the driver this project uses (asyncpg, the stdlib's sqlite3)."""
    for prefix, replacement in _DRIVERS.items():
        if url.startswith(prefix):
            return replacement + url[len(prefix) :]
    raise ValueError(f"database_url must be {ACCEPTED_DATABASE_URLS}")


class Settings(BaseSettings):
    """Runtime configuration, read from `SERVICEDESK_*` variables (and a `.env` file)."""

    model_config = SettingsConfigDict(
        env_prefix="SERVICEDESK_", env_file=".env", extra="ignore", frozen=True
    )

    environment: Literal["development", "production", "test"] = "production"
    data_dir: Path = Field(
        default=Path("./data"), description="Where the embedded SQLite database lives."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; empty means the embedded SQLite file under data_dir.",
    )
    auto_migrate: bool = Field(
        default=True, description="`servicedesk serve` upgrades the schema before serving."
    )
    db_pool_size: int = Field(default=20, ge=1, le=200)
    sqlite_busy_timeout_ms: int = Field(default=15_000, ge=0)
    write_queue_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        description="A write that waited this long for its turn (SQLite's one writer, or "
        "a PostgreSQL connection under a burst) is refused with 503 and Retry-After, "
        "having written nothing.",
    )
    sqlite_write_batch: int = Field(
        default=64, ge=1, le=1000, description="Transactions one SQLite commit may hold."
    )

    idempotency_ttl_seconds: int = Field(default=3600, ge=1)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_attachment_bytes: int = Field(
        default=20 * 1024 * 1024,
        ge=1,
        description="The largest file a note or a mail may carry; a larger one is refused "
        "with 413 (from the API) or left out of the ticket with a line saying so (from mail).",
    )
    max_upload_bytes: int = Field(
        default=50 * 1024 * 1024,
        ge=1024,
        description="The body limit of the requests that carry files: a multipart note and "
        "a raw message to /api/v1/inbound/email (every other request: max_body_bytes).",
    )

    api_key_cache_seconds: float = Field(
        default=2.0,
        ge=0,
        le=60,
        description="How long a server process remembers an authenticated key, so a "
        "revoked key can work that long in it; 0 looks every request's key up.",
    )

    rate_limit_enabled: bool = True
    rate_limit_per_key: str = Field(
        default="6000/minute", description="Requests per API key, in `limits` notation."
    )
    rate_limit_per_tenant: str = Field(
        default="30000/minute", description="Requests per tenant, over all its keys."
    )
    rate_limit_inbound: str = Field(
        default="600/minute",
        description="Calls to one tenant's inbound provider URL (its token), counted "
        "before the secret is checked.",
    )
    redis_url: str | None = Field(
        default=None, description="Redis for rate-limit counters shared by all processes."
    )
    console_idle_minutes: int = Field(
        default=120, ge=1, description="A console session unused this long is signed out."
    )
    console_session_hours: int = Field(
        default=24, ge=1, description="A console session ends this long after sign-in."
    )
    console_sign_in_limit: str = Field(
        default="10/15minutes",
        description="Failed console sign-ins allowed per address and per client address "
        "(`limits` notation); shared through SERVICEDESK_REDIS_URL when set.",
    )
    trusted_proxies: str = Field(
        default="",
        description="Addresses or networks (comma-separated) of the reverse proxies whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed; empty: none, and the client "
        "is the connection's peer.",
    )
    http_header_timeout_seconds: float = Field(
        default=15.0,
        gt=0,
        description="A connection that has not sent a request's whole head (request line "
        "and headers) this long after its first byte, or after connecting, is answered "
        "408 and closed.",
    )
    http_max_header_bytes: int = Field(
        default=64 * 1024, ge=1024, description="A request head past this is answered 431."
    )
    http_max_headers: int = Field(
        default=100, ge=10, description="Header lines past this are answered 431."
    )
    request_timeout_seconds: float = Field(default=30.0, gt=0)
    postgres_statement_timeout_ms: int = Field(default=10_000, ge=0)

    secret_key: SecretStr | None = Field(
        default=None,
        description="Encrypts webhook secrets and provider credentials at rest. Several "
        "keys, comma-separated, rotate: the first encrypts, all decrypt. Empty means a key "
        "generated once into data_dir/secret.key.",
    )

    worker_embedded: bool = Field(
        default=True, description="`serve` also drains the outbox (webhook deliveries)."
    )
    worker_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    worker_batch_size: int = Field(default=32, ge=1, le=500)
    worker_lease_seconds: float = Field(
        default=60.0, gt=0, description="A claimed job whose worker died is retried after this."
    )
    worker_stop_grace_seconds: float = Field(
        default=10.0,
        ge=0,
        le=300,
        description="On SIGTERM, how long running jobs may take to finish; those still "
        "running then are stopped and handed back at once for another worker.",
    )

    retention_webhook_deliveries_days: float = Field(
        default=30,
        ge=0,
        description="Finished webhook deliveries (and their attempts) "
        "are kept this long after their last attempt; 0 keeps them for ever.",
    )
    retention_failed_jobs_days: float = Field(
        default=30, ge=0, description="Outbox jobs that failed for good are kept this long."
    )
    retention_triage_feedback_days: float = Field(
        default=730,
        ge=0,
        description="Agents' overrides of triage are kept this long "
        "(the tickets themselves keep teaching the model).",
    )
    retention_triage_models_kept: int = Field(
        default=2,
        ge=0,
        description="Triage model versions kept per tenant, newest first, "
        "besides the active one; 0 keeps all.",
    )
    retention_interval_seconds: float = Field(
        default=3600, gt=0, description="How often each worker purges."
    )

    metrics_enabled: bool = Field(
        default=False, description="Serve Prometheus metrics at /metrics (docs/operations.md)."
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="When set, /metrics asks for `Authorization: Bearer <token>`.",
    )
    metrics_dir: Path | None = Field(
        default=None,
        description="Where this host's processes keep their metrics files; "
        "empty means data_dir/metrics.",
    )

    webhook_allow_private_urls: bool = Field(
        default=False,
        description="Allow http:// and private or loopback webhook hosts (development only).",
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=30)
    webhook_retry_base_seconds: float = Field(default=5.0, gt=0)
    webhook_retry_max_seconds: float = Field(default=3600.0, gt=0)
    webhook_retry_window_seconds: float = Field(
        default=86_400.0, gt=0, description="A delivery is retried for this long, then failed."
    )
    webhook_disable_after_seconds: float = Field(
        default=86_400.0, gt=0, description="An endpoint failing this long is deactivated."
    )

    smtp_url: str | None = Field(
        default=None,
        description="The relay replies are sent through: `smtp://user:pass@host:587` "
        "(STARTTLS, required when a password is given) or `smtps://…:465` (TLS).",
    )
    mail_from: str | None = Field(
        default=None,
        description="The sender of replies when a tenant names none, e.g. "
        "`Acme IT <support@acme.example>`.",
    )
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    email_imap_idle: bool = Field(
        default=True,
        description="Wait for new mail in IDLE where the IMAP server offers it (taken in "
        "seconds; each such mailbox holds one worker job slot); false: poll only.",
    )
    email_new_tickets_per_sender_hour: int = Field(
        default=20,
        ge=0,
        description="New tickets one sender may open by mail in an hour; more are refused "
        "for now (429 to an MTA, left in the mailbox for the next poll); 0: no limit.",
    )
    email_retry_base_seconds: float = Field(default=30.0, gt=0)
    email_retry_max_seconds: float = Field(default=1800.0, gt=0)

    freshservice_base_url: str = Field(
        default="https://{domain}.freshservice.com",
        description="Where a tenant's Freshservice lives; `{domain}` is its configured "
        "domain. Operators change it for a proxy (and tests for a fake).",
    )
    zendesk_base_url: str = Field(default="https://{domain}.zendesk.com")
    provider_create_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=30,
        description="The create request waits this long for the "
        "provider; then the ticket is stored and synced in the background.",
    )
    provider_timeout_seconds: float = Field(default=15.0, gt=0, le=120)
    provider_retry_base_seconds: float = Field(default=5.0, gt=0)
    provider_retry_max_seconds: float = Field(default=600.0, gt=0)

    triage_inline_timeout_seconds: float = Field(
        default=0.5,
        gt=0,
        le=10,
        description="Create waits this long for the local triage; then the ticket is "
        "stored untriaged and triaged in the background.",
    )
    triage_loop_max_chars: int = Field(
        default=2_000,
        ge=0,
        le=100_000,
        description="A ticket up to this long (subject and description) whose tenant's "
        "engine is ready is triaged on the event loop (1-2 ms, less than handing it to a "
        "thread); longer ones, and any whose engine must first be built, run on a thread "
        "within triage_inline_timeout_seconds. 0: always a thread.",
    )
    triage_knowledge_ttl_seconds: float = Field(
        default=300.0,
        ge=0,
        description="How stale a process's index of agents' replies may get (articles "
        "are picked up at once).",
    )
    llm_base_url: str | None = Field(
        default=None,
        description="An OpenAI-compatible API (…/v1) for the `llm` triage engine.",
    )
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout_seconds: float = Field(default=20.0, gt=0, le=120)
    llm_max_attempts: int = Field(
        default=3, ge=1, le=10, description="Tries before falling back to the local engine."
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        # `SERVICEDESK_LOG_LEVEL=warning` is what operators type (uvicorn's own
        # --log-level is lower case).
        if not isinstance(value, str):
            return value
        return (
            value.upper()
            if value.lower() in {"debug", "info", "warning", "error"}
            else value.lower()
        )

    @field_validator(
        "rate_limit_per_key", "rate_limit_per_tenant", "rate_limit_inbound", "console_sign_in_limit"
    )
    @classmethod
    def _parseable_limit(cls, value: str) -> str:
        from limits import parse

        parse(value)
        return value

    @field_validator("database_url", "redis_url", "llm_base_url", "smtp_url", "mail_from")
    @classmethod
    def _empty_url_means_default(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value is not None:
            driver_database_url(value)
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        for entry in _listed(value):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an address or network") from None
        return value

    @property
    def trusted_proxy_list(self) -> list[str]:
        return _listed(self.trusted_proxies)

    @field_validator("smtp_url")
    @classmethod
    def _smtp_scheme(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in {"smtp", "smtps"}:
            raise ValueError("smtp_url must start with smtp:// or smtps://")
        return value

    @property
    def mail_from_address(self) -> str | None:
        """The address of `mail_from`, lower case."""
        address = email.utils.parseaddr(self.mail_from or "")[1].lower()
        return address if "@" in address else None

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with `update`; what was worked out from the old values (the cached
        `sqlalchemy_url`) is worked out again from the new ones."""
        copied = super().model_copy(update=update, deep=deep)
        for name in _DERIVED:
            copied.__dict__.pop(name, None)
        return copied

    @cached_property
    def sqlalchemy_url(self) -> str:
        """The SQLAlchemy URL to connect to, with its driver."""
        if self.database_url:
            return driver_database_url(self.database_url)
        return f"sqlite+pysqlite:///{(self.data_dir / 'servicedesk.db').resolve()}"

    @property
    def attachments_dir(self) -> Path:
        """Where attachments' contents are kept (servicedesk.storage.blobs)."""
        return self.data_dir / "attachments"

    @property
    def cache_dir(self) -> Path:
        """What a process may rebuild but need not: the trained starter model."""
        return self.data_dir / "cache"

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, if the database is one (None for PostgreSQL or in memory)."""
        if not self.is_sqlite:
            return None
        path = self.sqlalchemy_url.split(":///", 1)[-1] if ":///" in self.sqlalchemy_url else ""
        return Path(path) if path and path != ":memory:" else None


_DERIVED = ("sqlalchemy_url",)


def _listed(value: str) -> list[str]:
    return [entry.strip() for entry in value.split(",") if entry.strip()]


def get_settings() -> Settings:
    """Read the settings from the environment (called once per app or CLI command)."""
    return Settings()

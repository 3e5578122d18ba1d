"""A tenant's configuration as each process keeps it: read once, reused until it changes.

Every change to a ticket needs some of it: custom field definitions, the provider
account, triage settings, the active webhooks. Reading all of that on each request cost
three to five statements. A process now keeps each tenant's configuration and reads only
its version, `tenants.config_version`, which every change of configuration moves in its
own transaction (`bump`). A request that starts after such a commit, in any process (a
server, a worker, the CLI), reads the new version and reloads: no request can use a
configuration older than the last commit before it began.

Each package with configuration contributes a `ConfigPart` (a name and a loader); the
parts are listed in `servicedesk.composition`, and a package reads its own part from the
`TenantConfig` it is handed.

A write that checks the version itself need not read it first: `assumed` is the
configuration this process read last, and `unchanged` the `Precondition` that makes the
write's rows conditional on its version being still the tenant's. A create on
PostgreSQL works this way (one round trip instead of two); when the check fails, nothing
was written and the create starts again on the configuration read anew.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from servicedesk.auth import repository as tenants
from servicedesk.db.rows import Precondition

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ConfigPart(Generic[T]):
    """One package's share of a tenant's configuration: `load` reads it (immutable data,
    safe to share between threads)."""

    name: str
    load: Callable[[Session, uuid.UUID], T]


class TenantConfig:
    """One tenant's configuration at one version."""

    def __init__(self, tenant_id: uuid.UUID, version: int, parts: dict[str, Any]) -> None:
        self.tenant_id = tenant_id
        self.version = version
        self._parts = parts

    def __getitem__(self, part: ConfigPart[T]) -> T:
        value: T = self._parts[part.name]
        return value


class TenantConfigs:
    """The configurations this process has read, by tenant."""

    def __init__(self, parts: Iterable[ConfigPart[Any]]) -> None:
        self.parts = tuple(parts)
        self._lock = threading.Lock()
        self._known: dict[uuid.UUID, TenantConfig] = {}

    def assumed(self, tenant_id: uuid.UUID) -> TenantConfig | None:
        """The configuration this process read last, unchecked: only for a write that
        checks it with `unchanged`."""
        with self._lock:
            return self._known.get(tenant_id)

    def current(self, session: Session, tenant_id: uuid.UUID) -> TenantConfig:
        """The tenant's configuration as of now: one statement when it is unchanged."""
        version = tenants.config_version(session, tenant_id)
        with self._lock:
            known = self._known.get(tenant_id)
        if known is not None and known.version == version:
            return known
        loaded = TenantConfig(
            tenant_id,
            version if version is not None else -1,
            {part.name: part.load(session, tenant_id) for part in self.parts},
        )
        with self._lock:
            newest = self._known.get(tenant_id)
            if newest is None or newest.version <= loaded.version:
                self._known[tenant_id] = loaded
        return loaded


def unchanged(config: TenantConfig) -> Precondition:
    """Write only if `config` is still the tenant's configuration."""
    return tenants.same_config_version(config.tenant_id, config.version)


def bump(session: Session, tenant_id: uuid.UUID) -> None:
    """Call in the transaction of every change to a tenant's configuration."""
    tenants.bump_config_version(session, tenant_id)

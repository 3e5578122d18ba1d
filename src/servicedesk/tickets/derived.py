"""Columns a ticket derives from its own changes: the rules other packages keep on it.

The SLA clock is one: its due times follow the ticket's status, priority and replies.
Such a rule (a `Deriver`) is handed the ticket's columns as a change leaves them and
what happened (`Moment`), and returns the columns to set and the timers to queue, which
the change writes in its own transaction, before the ticket's document is taken, so the
response, the events and the row agree. This package runs the derivers it is given
(`servicedesk.composition`) and imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from servicedesk.jobs.service import JobSpec
from servicedesk.tenant_config import TenantConfig


@dataclass(frozen=True, slots=True)
class Moment:
    """What happened to the ticket, and when."""

    at: datetime
    # A public reply to the requester (a note that is not private).
    public_reply: bool = False


@dataclass(frozen=True, slots=True)
class Derived:
    """What a deriver wants written: `fields` on the ticket; `jobs` queued. With
    `replaces`, the pending jobs of that ordering key not yet running are removed first
    (the new ones supersede them)."""

    fields: Mapping[str, Any]
    jobs: tuple[JobSpec, ...] = ()
    replaces: str | None = None


UNCHANGED = Derived({})

# (the tenant's configuration, the ticket's columns by attribute name, what happened)
Deriver = Callable[[TenantConfig, Mapping[str, Any], Moment], Derived]

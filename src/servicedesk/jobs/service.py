"""The outbox's vocabulary: a job to enqueue, a claimed job, its outcome, the retry
schedule. Enqueueing, claiming and finishing are `servicedesk.jobs.repository`'s.

A job is enqueued in the same transaction as the change that needs it, so it exists
exactly when the change does. Workers claim due jobs under a lease: a worker that dies
mid-job loses the lease and another one runs the job again (at least once). Claiming
takes only the oldest pending job of each ordering key, so jobs of one key run in order.
Every function here runs inside a unit of work (`servicedesk.db.database`).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Done:
    """The job succeeded; it is deleted."""


@dataclass(frozen=True, slots=True)
class Retry:
    """The job failed for now; it runs again after `delay` seconds."""

    delay: float
    error: str


@dataclass(frozen=True, slots=True)
class Fail:
    """The job failed for good; it stays as `failed` with the error."""

    error: str


Outcome = Done | Retry | Fail


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: int
    tenant_id: uuid.UUID
    kind: str
    ordering_key: str
    payload: dict[str, Any]
    attempt: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A job to enqueue with a change that is still being prepared."""

    kind: str
    ordering_key: str
    payload: dict[str, Any] = field(default_factory=dict)
    run_after: datetime | None = None


@dataclass(frozen=True, slots=True)
class Backoff:
    """A job kind's retry schedule: about base·2ⁿ seconds with jitter, capped."""

    base: float
    cap: float

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        return backoff_delay(attempt, base=self.base, cap=self.cap, rng=rng)


def backoff_delay(
    attempt: int, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Exponential backoff with jitter: about base·2^(attempt-1), capped, between ½ and 1×.

    The jitter spreads the retries of many jobs that failed together (an outage) so they
    do not all return at the same instant.
    """
    ceiling = min(cap, base * 2.0 ** min(attempt - 1, 32))
    jitter: float = (rng or random).uniform(0, ceiling / 2)
    return ceiling / 2 + jitter

"""Running a create at most once per Idempotency-Key, decided by the database.

The key is *claimed* before anything leaves the process (the ITSM provider is called
after the claim), in a transaction of its own that commits at once, so concurrent
requests with the key see it:

- the first to insert the record holds the claim (a random token, until `locked_until`);
- a request with the same body waits for the holder's answer and replays it, or gets
  409 "in progress" if the holder takes longer than the wait;
- a request with another body gets 409 at once.

The holder stores its response on the record in the same transaction as what it made,
so a response exists exactly when the ticket does. A holder that fails with an error
answer releases the key (its retry may succeed); one that dies leaves a claim whose lease
runs out, and the next request takes it over with the same resource id, so what the dead
one may already have made (a provider's ticket) is found, not made twice.

A create that reaches nothing outside this installation before it writes needs no claim
beforehand: its own transaction inserts the record with the response (`record_answer`),
and the database's key lets one such insert commit. A request that finds the key taken
undoes its create (`KeyInUse`) and takes the claiming path above, which replays, refuses
or waits. That saves a create with a new key a transaction of its own, and a turn at the
SQLite writer.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.db.upsert import insert_or_ignore
from servicedesk.errors import IdempotencyKeyInProgress, IdempotencyKeyReused
from servicedesk.idempotency import repository as records
from servicedesk.idempotency.models import IdempotencyRecord

POLL_SECONDS = (0.02, 0.05, 0.1, 0.2)


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    body: Any
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class IdempotencyRequest:
    key: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class Claim:
    """This request holds the key: it alone may make the resource `resource_id`.
    `resumed`: taken over from a holder that stopped answering (it may have begun)."""

    tenant_id: uuid.UUID
    key: str
    token: str
    resource_id: str
    resumed: bool = False


class KeyInUse(Exception):
    """The key already has a record: what was written with `record_answer` is undone."""


class ClaimLost(Exception):
    """The claim's lease ran out and another request took the key over."""


@dataclass(frozen=True, slots=True)
class _Held:
    """Another request holds a live claim on the key (until then; None: unknown)."""

    locked_until: datetime | None = None


def fingerprint(method: str, path: str, payload: Any) -> str:
    """A digest of what the request asks for; key order and whitespace do not matter."""
    canonical = json.dumps(
        [method, path, payload], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def claim(
    database: Database,
    tenant_id: uuid.UUID,
    request: IdempotencyRequest,
    *,
    resource_id: str,
    ttl: timedelta,
    lease: timedelta,
    wait: float,
) -> Claim | StoredResponse:
    """Claim the key for a request that would make `resource_id`, or the response of the
    request that made it (replayed). Raises 409 errors as the module describes."""
    attempt = partial(
        _try_claim,
        tenant_id=tenant_id,
        request=request,
        resource_id=resource_id,
        ttl=ttl,
        lease=lease,
    )
    deadline = time.monotonic() + wait
    polls = 0
    while True:
        outcome = await database.write(attempt, tenant_id=tenant_id)
        if not isinstance(outcome, _Held):
            return outcome
        locked_until = outcome.locked_until
        # Watch (reading only) until the holder answers or its lease runs out.
        while True:
            if time.monotonic() >= deadline:
                raise IdempotencyKeyInProgress(retry_after=_seconds_until(locked_until))
            await asyncio.sleep(POLL_SECONDS[min(polls, len(POLL_SECONDS) - 1)])
            polls += 1
            record = await database.read(
                partial(records.find, tenant_id=tenant_id, key=request.key)
            )
            if record is None or not _held(record, utcnow()):
                break
            locked_until = record.locked_until


def _seconds_until(moment: datetime | None) -> int:
    """Whole seconds (at least 1) until `moment`: a Retry-After."""
    if moment is None:
        return 1
    return max(1, math.ceil((moment - utcnow()).total_seconds()))


def _held(record: IdempotencyRecord, now: datetime) -> bool:
    return (
        record.status_code == 0
        and record.expires_at > now
        and record.locked_until is not None
        and record.locked_until > now
    )


def _try_claim(
    session: Session,
    *,
    tenant_id: uuid.UUID,
    request: IdempotencyRequest,
    resource_id: str,
    ttl: timedelta,
    lease: timedelta,
) -> Claim | StoredResponse | _Held:
    now = utcnow()
    token = secrets.token_hex(16)
    fresh = _record_columns(
        request, resource_id, now, ttl, claim_token=token, locked_until=now + lease
    )
    # A concurrent holder's uncommitted insert makes this wait for its commit (PostgreSQL).
    if insert_or_ignore(
        session, IdempotencyRecord, {"tenant_id": tenant_id, "key": request.key, **fresh}
    ):
        return Claim(tenant_id, request.key, token, resource_id)
    record = records.find(session, tenant_id=tenant_id, key=request.key, for_update=True)
    if record is None:
        return _Held()  # purged a moment ago: try again
    if record.expires_at <= now:
        for field, value in fresh.items():  # expired: the key is free again
            setattr(record, field, value)
        return Claim(tenant_id, request.key, token, resource_id)
    if record.request_fingerprint != request.fingerprint:
        raise IdempotencyKeyReused()
    if record.status_code != 0:
        return StoredResponse(record.status_code, record.response_body, replayed=True)
    if _held(record, now):
        return _Held(record.locked_until)
    # The holder stopped answering: take the claim over, for the same resource.
    record.claim_token = token
    record.locked_until = now + lease
    return Claim(tenant_id, request.key, token, record.resource_id or resource_id, resumed=True)


def record_answer(
    session: Session,
    response: StoredResponse,
    *,
    tenant_id: uuid.UUID,
    request: IdempotencyRequest,
    resource_id: str,
    ttl: timedelta,
) -> None:
    """The key's answer, in the transaction of what the request made, when the key is
    new; raises KeyInUse (which must roll that transaction back) when it is not."""
    answered = _record_columns(
        request,
        resource_id,
        utcnow(),
        ttl,
        status_code=response.status_code,
        response_body=response.body,
    )
    if not insert_or_ignore(
        session, IdempotencyRecord, {"tenant_id": tenant_id, "key": request.key, **answered}
    ):
        raise KeyInUse(request.key)


def _record_columns(
    request: IdempotencyRequest,
    resource_id: str,
    now: datetime,
    ttl: timedelta,
    *,
    status_code: int = 0,
    response_body: Any = None,
    claim_token: str | None = None,
    locked_until: datetime | None = None,
) -> dict[str, Any]:
    """A record's columns but its key: claimed (status 0, a token and a lease) or
    answered (a status and a body), living `ttl` from `now`."""
    return {
        "request_fingerprint": request.fingerprint,
        "status_code": status_code,
        "response_body": response_body,
        "claim_token": claim_token,
        "locked_until": locked_until,
        "resource_id": resource_id,
        "created_at": now,
        "expires_at": now + ttl,
    }


def complete(session: Session, response: StoredResponse, *, held: Claim) -> None:
    """Store the response on the claimed record, in the transaction of what it made."""
    stored = records.store_answer(
        session, held.tenant_id, held.key, held.token, response.status_code, response.body
    )
    if not stored:
        raise ClaimLost(held.key)


async def release(database: Database, held: Claim) -> None:
    """Free the key after the request failed with an error answer (nothing was made)."""

    free = partial(
        records.delete_unanswered, tenant_id=held.tenant_id, key=held.key, token=held.token
    )
    await database.write(free, tenant_id=held.tenant_id)

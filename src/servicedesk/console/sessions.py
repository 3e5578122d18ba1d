"""Console sessions: sign-in, the cookie, idle and absolute expiry, CSRF tokens,
sign-out, and the throttle on failed sign-ins.

The cookie holds a random token (256 bits); the server keeps its SHA-256, the user, and
the session's CSRF token (the synchronizer-token pattern: every form carries it, and a
POST without it is refused). The sign-in form, before any session exists, carries a
second token that must equal a short-lived cookie (double submit), so another site
cannot sign a browser in to an account of its choosing.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from limits import parse
from limits.aio.strategies import MovingWindowRateLimiter
from sqlalchemy.orm import Session

from servicedesk.auth.keys import hash_key
from servicedesk.config import Settings
from servicedesk.console import repository as sessions
from servicedesk.console.models import ConsoleSession
from servicedesk.db.base import utcnow
from servicedesk.logs import get_logger
from servicedesk.ratelimit.service import shared_storage
from servicedesk.users import service as users
from servicedesk.users.models import User

log = get_logger(__name__)

COOKIE = "sd_session"
SIGN_IN_COOKIE = "sd_sign_in"
COOKIE_PATH = "/console"
# last_seen_at is written at most this often: a page view is otherwise a read.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The user behind a request's session."""

    tenant_id: uuid.UUID
    user_id: uuid.UUID
    email: str
    name: str
    role: str
    csrf_token: str

    @property
    def actor(self) -> str:
        """How history and webhooks name this user."""
        return f"user:{self.user_id}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def label(self) -> str:
        return self.name or self.email


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(expected: str, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(expected, presented)


def start_session(session: Session, user: User, settings: Settings) -> str:
    """A new session for `user` (its other expired sessions are removed); returns the
    cookie's token."""
    now = utcnow()
    sessions.delete_started_before(
        session, user.id, now - timedelta(hours=settings.console_session_hours)
    )
    token = new_token()
    session.add(
        ConsoleSession(
            token_hash=hash_key(token),
            tenant_id=user.tenant_id,
            user_id=user.id,
            csrf_token=new_token(),
            created_at=now,
            last_seen_at=now,
        )
    )
    return token


def _expired(row: ConsoleSession, now: datetime, settings: Settings) -> bool:
    idle = timedelta(minutes=settings.console_idle_minutes)
    lifetime = timedelta(hours=settings.console_session_hours)
    return row.last_seen_at + idle < now or row.created_at + lifetime < now


def current_user(session: Session, token: str, settings: Settings) -> tuple[SignedIn | None, bool]:
    """The user of the session `token` names, if it is current and the user active, and
    whether the session row needs a write (its last use to move on, or removal)."""
    row = session.get(ConsoleSession, hash_key(token))
    if row is None:
        return None, False
    now = utcnow()
    user = session.get(User, row.user_id)
    if _expired(row, now, settings) or user is None or not user.active:
        return None, True
    signed_in = SignedIn(
        tenant_id=user.tenant_id,
        user_id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        csrf_token=row.csrf_token,
    )
    return signed_in, now - row.last_seen_at >= TOUCH_EVERY


def resume_session(session: Session, token: str, settings: Settings) -> SignedIn | None:
    """`current_user`, in a write: touches the session (at most once a minute), or
    removes it when it has expired."""
    user, stale = current_user(session, token, settings)
    if not stale:
        return user
    if user is None:
        end_session(session, token)
    else:
        row = session.get(ConsoleSession, hash_key(token))
        if row is not None:
            row.last_seen_at = utcnow()
    return user


def end_session(session: Session, token: str) -> None:
    sessions.delete_by_token_hash(session, hash_key(token))


def end_sessions_of(session: Session, user_id: uuid.UUID) -> None:
    """Sign a user out everywhere (disabled, or a new password)."""
    sessions.delete_of_user(session, user_id)


def disable_user(session: Session, tenant_id: uuid.UUID, email_or_id: str) -> User:
    """Disable a user and end their sessions at once (the CLI's and the admin page's)."""
    user = users.set_active(session, tenant_id, email_or_id, False)
    end_sessions_of(session, user.id)
    return user


def new_password(session: Session, tenant_id: uuid.UUID, email_or_id: str, password: str) -> User:
    """Set a user's password and end their sessions: whoever held the old one is out."""
    user = users.set_password(session, tenant_id, email_or_id, password)
    end_sessions_of(session, user.id)
    return user


def sign_in(session: Session, email: str, password: str, settings: Settings) -> str | None:
    """The new session's token for a right address and password, else None."""
    user = users.signed_in_user(session, email, password)
    if user is None:
        return None
    return start_session(session, user, settings)


class SignInThrottle:
    """Failed sign-ins per address and per client address, in a moving window: past the
    limit, sign-in is refused (429) without checking the password until the window
    moves on. Redis-backed when SERVICEDESK_REDIS_URL is set, so every process counts
    together; an unreachable Redis lets the attempt through (and logs it)."""

    def __init__(self, settings: Settings) -> None:
        self.item = parse(settings.console_sign_in_limit)
        self.strategy = MovingWindowRateLimiter(
            shared_storage(settings.redis_url, "servicedesk-sign-in")
        )

    def _keys(self, email: str, client: str) -> list[tuple[str, str]]:
        return [("address", email.strip().lower()), ("client", client)]

    async def allowed(self, email: str, client: str) -> bool:
        try:
            for kind, value in self._keys(email, client):
                if not await self.strategy.test(self.item, kind, value):
                    return False
        except Exception as error:
            log.warning("sign_in_throttle_unavailable", error=type(error).__name__)
        return True

    async def failed(self, email: str, client: str) -> None:
        try:
            for kind, value in self._keys(email, client):
                await self.strategy.hit(self.item, kind, value)
        except Exception as error:
            log.warning("sign_in_throttle_unavailable", error=type(error).__name__)

    @property
    def retry_after_seconds(self) -> int:
        return int(self.item.get_expiry())

"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106's second
recommended parameter set). A sign-in for an unknown address still verifies against a
hash, so its answer takes as long as a wrong password's."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

PASSWORD_MIN = 8
PASSWORD_MAX = 1024


class WeakPassword(ValueError):
    """A password too short or too long to accept."""


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _decoy_hash() -> str:
    return _hasher().hash("decoy password never matched")


def warm_up() -> None:
    """Make the decoy hash now (an Argon2 hash): otherwise the first unknown address to
    sign in pays for it, and its answer is slower than a known one's."""
    _decoy_hash()


def check_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise WeakPassword(f"A password needs at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise WeakPassword(f"A password may have at most {PASSWORD_MAX} characters")
    return password


def hash_password(password: str) -> str:
    return _hasher().hash(check_password(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; None (no such user) costs a verification too."""
    if len(password) > PASSWORD_MAX:
        return False
    try:
        return _hasher().verify(password_hash or _decoy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)

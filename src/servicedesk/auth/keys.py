"""Making, hashing and recognising API keys (`itsm_sk_live_…`)."""

from __future__ import annotations

import hashlib
import secrets

KEY_PREFIX = "itsm_sk_live_"
_RANDOM_BYTES = 32
# A key is 13 prefix chars plus 43 base64url chars; anything far longer is not one of ours
# and is rejected before hashing.
MAX_KEY_LENGTH = 128


def generate_key() -> str:
    """A new plaintext key: the prefix and 256 random bits."""
    return KEY_PREFIX + secrets.token_urlsafe(_RANDOM_BYTES)


def hash_key(plaintext: str) -> str:
    """The stored form of a key.

    Keys carry 256 random bits, so a fast hash is enough: no dictionary or brute-force
    attack applies, which is why slow password hashes (bcrypt, argon2) are not used, and
    the lookup by hash needs no constant-time comparison of secrets.
    """
    return hashlib.sha256(plaintext.encode()).hexdigest()


def display_prefix(plaintext: str) -> str:
    """The part of a key safe to show in listings, to tell keys apart."""
    return plaintext[: len(KEY_PREFIX) + 6] + "…"


def new_key_id() -> str:
    return "key_" + secrets.token_hex(8)

"""Argon2id password hashes."""

from __future__ import annotations

import pytest

from servicedesk.users.passwords import WeakPassword, hash_password, verify_password


def test_a_password_is_stored_as_an_argon2id_hash_that_verifies() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse battery!")


def test_no_user_never_verifies() -> None:
    assert not verify_password(None, "decoy password never matched")


@pytest.mark.parametrize("password", ["short", "x" * 1025])
def test_too_short_or_too_long_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        hash_password(password)

"""Password sign-in costs the same whoever asks: an unknown address, a user of one
tenant and an address that is a user of several all verify SIGN_IN_ACCOUNTS hashes
(the last took 2.4 times as long as an unknown one, which told who is a user)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from servicedesk.db.database import Database
from servicedesk.users import service as users
from servicedesk.users.models import User
from servicedesk.users.passwords import hash_password
from tests.conftest import USER_PASSWORD, UserFactory

ADDRESS = "ana@example.com"


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Each hash a sign-in verified (None for a decoy), in order."""
    seen: list[str | None] = []
    real = users.verify_password

    def counted(password_hash: str | None, password: str) -> bool:
        seen.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(users, "verify_password", counted)
    return seen


async def _accounts(make_user: UserFactory, tenants: int) -> list[uuid.UUID]:
    return [await make_user(tenant=f"t{index}", email=ADDRESS) for index in range(tenants)]


async def _sign_in(database: Database, password: str) -> User | None:
    return await database.write(lambda session: users.signed_in_user(session, ADDRESS, password))


@pytest.mark.parametrize("tenants", [0, 1, 2, 3])
@pytest.mark.parametrize("password", [USER_PASSWORD, "wrong password"])
async def test_every_sign_in_verifies_the_same_number_of_hashes(
    database: Database,
    make_user: UserFactory,
    verifications: list[str | None],
    tenants: int,
    password: str,
) -> None:
    await _accounts(make_user, tenants)

    signed_in = await _sign_in(database, password)

    assert len(verifications) == users.SIGN_IN_ACCOUNTS
    assert (signed_in is not None) == (tenants > 0 and password == USER_PASSWORD)


async def test_an_address_of_two_tenants_signs_in_to_the_one_whose_password_matches(
    database: Database, make_user: UserFactory
) -> None:
    first, second = await _accounts(make_user, 2)

    def other_password(session: Session) -> None:
        session.execute(
            update(User).where(User.id == second).values(password_hash=hash_password("second one"))
        )

    await database.write(other_password)

    signed_in_first = await _sign_in(database, USER_PASSWORD)
    signed_in_second = await _sign_in(database, "second one")
    assert signed_in_first is not None
    assert signed_in_first.id == first
    assert signed_in_second is not None
    assert signed_in_second.id == second

"""The rules of users and groups: who exists, who may sign in, who belongs where.

Users and groups are part of the tenant's configuration (`DIRECTORY`): a ticket's
`assignee_id` and `group_id` are checked against it without a query, and every change
here moves the tenant's configuration version in its own transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy.orm import Session

from servicedesk import tenant_config
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.errors import (
    Conflict,
    GroupNotFound,
    NoValidFields,
    UserNotFound,
    ValidationFailed,
)
from servicedesk.tenant_config import ConfigPart
from servicedesk.users.models import Group, User
from servicedesk.users.passwords import hash_password, needs_rehash, verify_password
from servicedesk.users.repository import (
    GroupRepository,
    UserRepository,
    active_users_by_email,
)
from servicedesk.users.schemas import GroupCreate, GroupOut, GroupUpdate
from servicedesk.validation import check_email, skeleton

ROLES = ("admin", "agent")


class UserExists(Exception):
    """A user of that tenant already has that address."""


class LookAlikeAddress(ValueError):
    """The address looks like an existing user's (`validation.skeleton`): a second account
    an agent or an admin could mistake for the first."""


@dataclass(frozen=True, slots=True)
class Person:
    id: uuid.UUID
    email: str
    name: str
    role: str
    active: bool

    @property
    def label(self) -> str:
        return self.name or self.email


@dataclass(frozen=True, slots=True)
class Team:
    id: uuid.UUID
    name: str
    member_ids: tuple[uuid.UUID, ...]
    round_robin: bool = False


@dataclass(frozen=True, slots=True)
class Directory:
    """A tenant's users and groups, by id, as one process keeps them."""

    users: Mapping[uuid.UUID, Person]
    groups: Mapping[uuid.UUID, Team]

    def active_user(self, user_id: uuid.UUID) -> Person | None:
        person = self.users.get(user_id)
        return person if person is not None and person.active else None

    def groups_of(self, user_id: uuid.UUID) -> list[Team]:
        return [team for team in self.groups.values() if user_id in team.member_ids]


def load_directory(session: Session, tenant_id: uuid.UUID) -> Directory:
    users = UserRepository(session, tenant_id).everyone()
    groups_repository = GroupRepository(session, tenant_id)
    groups = groups_repository.everything()
    members = groups_repository.members_of(group.id for group in groups)
    return Directory(
        users=MappingProxyType(
            {
                user.id: Person(user.id, user.email, user.name, user.role, user.active)
                for user in users
            }
        ),
        groups=MappingProxyType(
            {
                group.id: Team(group.id, group.name, tuple(members[group.id]), group.round_robin)
                for group in groups
            }
        ),
    )


DIRECTORY: ConfigPart[Directory] = ConfigPart("directory", load_directory)


def check_assignment(
    directory: Directory, *, assignee_id: uuid.UUID | None, group_id: uuid.UUID | None
) -> None:
    """422 for an assignee who is not an active user of the tenant, or a group that is
    not one of its groups."""
    if assignee_id is not None and directory.active_user(assignee_id) is None:
        message = (
            "is a disabled user"
            if assignee_id in directory.users
            else "is not a user of this tenant"
        )
        raise ValidationFailed.at(("body", "assignee_id"), message)
    if group_id is not None and group_id not in directory.groups:
        raise ValidationFailed.at(("body", "group_id"), "is not a group of this tenant")


# -- users ---------------------------------------------------------------------------


def create_user(
    session: Session, tenant_id: uuid.UUID, *, email: str, role: str, name: str, password: str
) -> User:
    """A new active user; raises UserExists, ValueError (address, role) or WeakPassword."""
    address = check_email(email).lower()
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    repository = UserRepository(session, tenant_id)
    if repository.by_email(address) is not None:
        raise UserExists(address)
    _refuse_look_alikes(repository, address)
    now = utcnow()
    user = User(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        email=address,
        name=name.strip(),
        role=role,
        active=True,
        password_hash=hash_password(password),
        created_at=now,
        updated_at=now,
    )
    repository.add(user)
    session.flush()
    tenant_config.bump(session, tenant_id)
    return user


def require_user(session: Session, tenant_id: uuid.UUID, email_or_id: str) -> User:
    repository = UserRepository(session, tenant_id)
    try:
        user = repository.get(uuid.UUID(email_or_id))
    except ValueError:
        user = repository.by_email(email_or_id)
    if user is None:
        raise UserNotFound()
    return user


def set_active(session: Session, tenant_id: uuid.UUID, email_or_id: str, active: bool) -> User:
    user = require_user(session, tenant_id, email_or_id)
    user.active = active
    user.updated_at = utcnow()
    tenant_config.bump(session, tenant_id)
    return user


def _refuse_look_alikes(repository: UserRepository, address: str) -> None:
    wanted = skeleton(address)
    for existing in repository.emails():
        if skeleton(existing) == wanted:
            raise LookAlikeAddress(f"{address} looks like the existing user {existing}")


def set_password(session: Session, tenant_id: uuid.UUID, email_or_id: str, password: str) -> User:
    user = require_user(session, tenant_id, email_or_id)
    user.password_hash = hash_password(password)
    user.updated_at = utcnow()
    return user


# How many accounts (of different tenants) one address may sign in to by password. Every
# sign-in verifies exactly this many hashes, its own and decoys, so that its time tells
# nothing of how many tenants, if any, know the address.
SIGN_IN_ACCOUNTS = 2


def signed_in_user(session: Session, email: str, password: str) -> User | None:
    """The active user with this address whose password matches, or None. An address
    may be a user of more than one tenant: the oldest of its first SIGN_IN_ACCOUNTS
    accounts whose password matches. Every sign-in, known address or not, costs
    SIGN_IN_ACCOUNTS Argon2 verifications."""
    candidates = active_users_by_email(session, email.strip().lower())[:SIGN_IN_ACCOUNTS]
    found: User | None = None
    for slot in range(SIGN_IN_ACCOUNTS):
        user = candidates[slot] if slot < len(candidates) else None
        matches = verify_password(user.password_hash if user else None, password)
        if matches and found is None:
            found = user
    if found is not None and needs_rehash(found.password_hash):
        found.password_hash = hash_password(password)
    return found


async def list_users(
    database: Database,
    tenant_id: uuid.UUID,
    *,
    role: str | None,
    active: bool | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[User], int]:
    return await database.read(
        lambda session: UserRepository(session, tenant_id).page_by_email(
            role=role, active=active, limit=limit, offset=offset
        )
    )


async def get_user(database: Database, tenant_id: uuid.UUID, user_id: uuid.UUID) -> User:
    return await database.read(lambda session: require_user(session, tenant_id, str(user_id)))


# -- groups --------------------------------------------------------------------------


def _group_out(group: Group, member_ids: Sequence[uuid.UUID]) -> GroupOut:
    return GroupOut(
        id=group.id,
        name=group.name,
        member_ids=list(member_ids),
        round_robin=group.round_robin,
        created_at=group.created_at,
        updated_at=group.updated_at,
    )


def _check_members(session: Session, tenant_id: uuid.UUID, member_ids: Sequence[uuid.UUID]) -> None:
    existing = UserRepository(session, tenant_id).existing(member_ids)
    for index, user_id in enumerate(member_ids):
        if user_id not in existing:
            raise ValidationFailed.at(
                ("body", "member_ids", str(index)), "is not a user of this tenant"
            )


def _require_group(
    session: Session, tenant_id: uuid.UUID, group_id: uuid.UUID, *, for_update: bool = False
) -> Group:
    group = GroupRepository(session, tenant_id).get(group_id, for_update=for_update)
    if group is None:
        raise GroupNotFound()
    return group


def _refuse_taken_name(repository: GroupRepository, name: str, group_id: uuid.UUID | None) -> None:
    existing = repository.by_name(name)
    if existing is not None and existing.id != group_id:
        raise Conflict("A group with that name already exists")


def create_group_now(session: Session, tenant_id: uuid.UUID, data: GroupCreate) -> GroupOut:
    repository = GroupRepository(session, tenant_id)
    _refuse_taken_name(repository, data.name, None)
    _check_members(session, tenant_id, data.member_ids)
    now = utcnow()
    group = Group(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        name=data.name,
        round_robin=data.round_robin,
        created_at=now,
        updated_at=now,
    )
    repository.add(group)
    session.flush()
    repository.set_members(group.id, data.member_ids)
    tenant_config.bump(session, tenant_id)
    return _group_out(group, list(dict.fromkeys(data.member_ids)))


def update_group_now(
    session: Session, tenant_id: uuid.UUID, group_id: uuid.UUID, data: GroupUpdate
) -> GroupOut:
    changes = data.model_fields_set
    if not changes:
        raise NoValidFields()
    repository = GroupRepository(session, tenant_id)
    group = _require_group(session, tenant_id, group_id, for_update=True)
    if data.name is not None:
        _refuse_taken_name(repository, data.name, group.id)
        group.name = data.name
    if data.member_ids is not None:
        _check_members(session, tenant_id, data.member_ids)
        repository.set_members(group.id, data.member_ids)
    if data.round_robin is not None:
        group.round_robin = data.round_robin
    group.updated_at = utcnow()
    tenant_config.bump(session, tenant_id)
    return _group_out(group, repository.members_of([group.id])[group.id])


async def create_group(database: Database, tenant_id: uuid.UUID, data: GroupCreate) -> GroupOut:
    return await database.write(
        lambda session: create_group_now(session, tenant_id, data), tenant_id=tenant_id
    )


async def update_group(
    database: Database, tenant_id: uuid.UUID, group_id: uuid.UUID, data: GroupUpdate
) -> GroupOut:
    return await database.write(
        lambda session: update_group_now(session, tenant_id, group_id, data), tenant_id=tenant_id
    )


async def get_group(database: Database, tenant_id: uuid.UUID, group_id: uuid.UUID) -> GroupOut:
    def read(session: Session) -> GroupOut:
        group = _require_group(session, tenant_id, group_id)
        members = GroupRepository(session, tenant_id).members_of([group.id])
        return _group_out(group, members[group.id])

    return await database.read(read)


async def list_groups(
    database: Database, tenant_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[list[GroupOut], int]:
    def read(session: Session) -> tuple[list[GroupOut], int]:
        repository = GroupRepository(session, tenant_id)
        groups, total = repository.page_by_name(limit=limit, offset=offset)
        members = repository.members_of(group.id for group in groups)
        return [_group_out(group, members[group.id]) for group in groups], total

    return await database.read(read)

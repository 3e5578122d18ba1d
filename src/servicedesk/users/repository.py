"""Every query on users and groups, scoped to a tenant."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from servicedesk.db.repository import TenantRepository
from servicedesk.users.models import Group, GroupMember, User


class UserRepository(TenantRepository[User]):
    model = User

    def by_email(self, email: str) -> User | None:
        return self.first(self.scoped().where(User.email == email.lower()))

    def emails(self) -> Sequence[str]:
        """Every user's address (a tenant has tens to a few thousand users)."""
        return self.session.scalars(
            select(User.email).where(User.tenant_id == self.tenant_id)
        ).all()

    def page_by_email(
        self, *, role: str | None, active: bool | None, limit: int, offset: int
    ) -> tuple[Sequence[User], int]:
        statement = self.scoped().order_by(User.email)
        if role is not None:
            statement = statement.where(User.role == role)
        if active is not None:
            statement = statement.where(User.active.is_(active))
        return self.page(statement, limit=limit, offset=offset)

    def existing(self, user_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these ids are users of the tenant (one statement)."""
        wanted = list(user_ids)
        if not wanted:
            return set()
        statement = select(User.id).where(User.tenant_id == self.tenant_id, User.id.in_(wanted))
        return set(self.session.scalars(statement))

    def everyone(self) -> Sequence[User]:
        return self.all(self.scoped().order_by(User.email))

    def count_active_admins(self) -> int:
        statement = select(func.count()).where(
            User.tenant_id == self.tenant_id, User.role == "admin", User.active.is_(True)
        )
        return int(self.session.scalar(statement) or 0)


def active_users_by_email(session: Session, email: str) -> Sequence[User]:
    """The active users, of any tenant, with this (lower-cased) address, oldest first:
    sign-in, before the tenant is known."""
    statement = (
        select(User).where(User.email == email, User.active.is_(True)).order_by(User.created_at)
    )
    return session.scalars(statement).all()


class GroupRepository(TenantRepository[Group]):
    model = Group

    def by_name(self, name: str) -> Group | None:
        return self.first(self.scoped().where(Group.name == name))

    def page_by_name(self, *, limit: int, offset: int) -> tuple[Sequence[Group], int]:
        return self.page(self.scoped().order_by(Group.name), limit=limit, offset=offset)

    def everything(self) -> Sequence[Group]:
        return self.all(self.scoped().order_by(Group.name))

    def members_of(self, group_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        """The member ids of each group (groups of this tenant only), by group id."""
        wanted = list(group_ids)
        members: dict[uuid.UUID, list[uuid.UUID]] = {group_id: [] for group_id in wanted}
        if not wanted:
            return members
        statement = (
            select(GroupMember.group_id, GroupMember.user_id)
            .join(Group, Group.id == GroupMember.group_id)
            .where(Group.tenant_id == self.tenant_id, GroupMember.group_id.in_(wanted))
            .order_by(GroupMember.group_id, GroupMember.user_id)
        )
        for group_id, user_id in self.session.execute(statement):
            members[group_id].append(user_id)
        return members

    def set_members(self, group_id: uuid.UUID, user_ids: Iterable[uuid.UUID]) -> None:
        self.session.execute(delete(GroupMember).where(GroupMember.group_id == group_id))
        self.session.add_all(
            GroupMember(group_id=group_id, user_id=user_id) for user_id in dict.fromkeys(user_ids)
        )
        self.session.flush()

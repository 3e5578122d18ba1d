"""The base of every repository whose rows belong to a tenant: each query it builds is
scoped to the tenant it was made for, so a foreign id simply is not found (a 404, never
another tenant's row)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from servicedesk.db.base import Base

M = TypeVar("M", bound=Base)


class TenantRepository(Generic[M]):
    """Queries on `model` (which has `id` and `tenant_id` columns) for one tenant."""

    model: ClassVar[type[Any]]

    def __init__(self, session: Session, tenant_id: uuid.UUID) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def scoped(self) -> Select[Any]:
        """`SELECT model WHERE tenant_id = …`: the start of every query of this tenant."""
        return select(self.model).where(self.model.tenant_id == self.tenant_id)

    def get(self, row_id: Any, *, for_update: bool = False) -> M | None:
        statement = self.scoped().where(self.model.id == row_id)
        if for_update:
            statement = statement.with_for_update()
        return self.first(statement)

    def require(self, row_id: Any, *, missing: type[Exception], for_update: bool = False) -> M:
        """The row with this id, or `missing` raised (the resource's 404)."""
        found = self.get(row_id, for_update=for_update)
        if found is None:
            raise missing()
        return found

    def first(self, statement: Select[Any]) -> M | None:
        found: M | None = self.session.scalars(statement).first()
        return found

    def all(self, statement: Select[Any]) -> Sequence[M]:
        found: Sequence[M] = self.session.scalars(statement).all()
        return found

    def page(self, statement: Select[Any], *, limit: int, offset: int) -> tuple[Sequence[M], int]:
        """A page of `statement` (which carries its order) and how many rows it has."""
        rows = self.all(statement.limit(limit).offset(offset))
        total = self.session.scalar(
            select(func.count()).select_from(statement.order_by(None).subquery())
        )
        return rows, int(total or 0)

    def add(self, row: M) -> M:
        self.session.add(row)
        return row

    def delete(self, row: M) -> None:
        self.session.delete(row)

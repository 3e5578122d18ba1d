"""Every query on knowledge-base articles, scoped to a tenant."""

from __future__ import annotations

from collections.abc import Sequence

from servicedesk.db.repository import TenantRepository
from servicedesk.kb.models import KbArticle


class ArticleRepository(TenantRepository[KbArticle]):
    model = KbArticle

    def page_newest_first(
        self, *, category: str | None, limit: int, offset: int
    ) -> tuple[Sequence[KbArticle], int]:
        statement = self.scoped().order_by(KbArticle.created_at.desc(), KbArticle.id.desc())
        if category is not None:
            statement = statement.where(KbArticle.category == category)
        return self.page(statement, limit=limit, offset=offset)

    def recently_updated(self, limit: int) -> Sequence[KbArticle]:
        return self.all(self.scoped().order_by(KbArticle.updated_at.desc()).limit(limit))

"""Every query on knowledge-base articles, scoped to a tenant."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_

from servicedesk.db.repository import TenantRepository
from servicedesk.kb.models import KbArticle


class ArticleRepository(TenantRepository[KbArticle]):
    model = KbArticle

    def page_newest_first(
        self, *, category: str | None, limit: int, offset: int, search: str | None = None
    ) -> tuple[Sequence[KbArticle], int]:
        statement = self.scoped().order_by(KbArticle.created_at.desc(), KbArticle.id.desc())
        if category is not None:
            statement = statement.where(KbArticle.category == category)
        if search:
            # Every word in the title or the body, ignoring case (a knowledge base is
            # small: hundreds of articles, not millions of tickets).
            for word in search.split():
                pattern = "%" + _escaped(word.lower()) + "%"
                statement = statement.where(
                    or_(
                        func.lower(KbArticle.title).like(pattern, escape="\\"),
                        func.lower(KbArticle.body).like(pattern, escape="\\"),
                    )
                )
        return self.page(statement, limit=limit, offset=offset)

    def recently_updated(self, limit: int) -> Sequence[KbArticle]:
        return self.all(self.scoped().order_by(KbArticle.updated_at.desc()).limit(limit))

    def filed_under(self, categories: Sequence[str], limit: int) -> Sequence[KbArticle]:
        """The newest articles filed under any of `categories`."""
        return self.all(
            self.scoped()
            .where(KbArticle.category.in_(categories))
            .order_by(KbArticle.updated_at.desc())
            .limit(limit)
        )


def _escaped(word: str) -> str:
    """`word` matched literally by LIKE: its wildcards escaped."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

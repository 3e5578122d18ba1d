"""Knowledge-base articles: create, read, list, update, delete, per tenant.

Articles are what triage suggests as replies, so every write moves the tenant's
configuration version in the same transaction: each process rebuilds its suggestion
index before it triages the next ticket."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from servicedesk import tenant_config
from servicedesk.db.base import utcnow
from servicedesk.db.database import Database
from servicedesk.errors import ArticleNotFound, NoValidFields
from servicedesk.kb.models import KbArticle
from servicedesk.kb.repository import ArticleRepository
from servicedesk.kb.schemas import ArticleCreate, ArticleUpdate


async def create_article(
    database: Database, tenant_id: uuid.UUID, data: ArticleCreate
) -> KbArticle:
    def create(session: Session) -> KbArticle:
        now = utcnow()
        article = KbArticle(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            title=data.title,
            body=data.body,
            category=data.category,
            tags=data.tags,
            created_at=now,
            updated_at=now,
        )
        ArticleRepository(session, tenant_id).add(article)
        tenant_config.bump(session, tenant_id)
        return article

    return await database.write(create, tenant_id=tenant_id)


def _require(
    session: Session, tenant_id: uuid.UUID, article_id: uuid.UUID, *, for_update: bool = False
) -> KbArticle:
    article = ArticleRepository(session, tenant_id).get(article_id, for_update=for_update)
    if article is None:
        raise ArticleNotFound()
    return article


async def get_article(database: Database, tenant_id: uuid.UUID, article_id: uuid.UUID) -> KbArticle:
    return await database.read(lambda session: _require(session, tenant_id, article_id))


async def list_articles(
    database: Database,
    tenant_id: uuid.UUID,
    *,
    category: str | None,
    limit: int,
    offset: int,
    search: str | None = None,
) -> tuple[Sequence[KbArticle], int]:
    """Newest first, with the total of the filtered list; `search`: articles with every
    word in their title or body."""
    return await database.read(
        lambda session: ArticleRepository(session, tenant_id).page_newest_first(
            category=category, limit=limit, offset=offset, search=search
        )
    )


async def update_article(
    database: Database, tenant_id: uuid.UUID, article_id: uuid.UUID, patch: ArticleUpdate
) -> KbArticle:
    changes = patch.model_dump(exclude_unset=True)
    if not changes:
        raise NoValidFields()

    def update(session: Session) -> KbArticle:
        article = _require(session, tenant_id, article_id, for_update=True)
        for field, value in changes.items():
            setattr(article, field, value)
        article.updated_at = utcnow()
        tenant_config.bump(session, tenant_id)
        return article

    return await database.write(update, tenant_id=tenant_id)


async def delete_article(database: Database, tenant_id: uuid.UUID, article_id: uuid.UUID) -> None:
    def delete(session: Session) -> None:
        ArticleRepository(session, tenant_id).delete(
            _require(session, tenant_id, article_id, for_update=True)
        )
        tenant_config.bump(session, tenant_id)

    await database.write(delete, tenant_id=tenant_id)

"""Knowledge-base articles: create, read, list, update, delete, per tenant.

Every write moves the tenant's knowledge revision in the same transaction, so each
process rebuilds its suggestion index before it triages the next ticket."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicedesk.db.base import utcnow
from servicedesk.errors import ArticleNotFound, NoValidFields
from servicedesk.kb.models import KbArticle
from servicedesk.kb.schemas import ArticleCreate, ArticleUpdate
from servicedesk.triage.service import bump_knowledge_revision


async def create_article(
    session: AsyncSession, tenant_id: uuid.UUID, data: ArticleCreate
) -> KbArticle:
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
    session.add(article)
    await bump_knowledge_revision(session, tenant_id)
    await session.flush()
    return article


async def get_article(
    session: AsyncSession, tenant_id: uuid.UUID, article_id: uuid.UUID, *, for_update: bool = False
) -> KbArticle:
    statement = select(KbArticle).where(
        KbArticle.tenant_id == tenant_id, KbArticle.id == article_id
    )
    article = await session.scalar(statement.with_for_update() if for_update else statement)
    if article is None:
        raise ArticleNotFound()
    return article


async def list_articles(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    category: str | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[KbArticle], int]:
    """Newest first, with the total of the filtered list."""
    condition = [KbArticle.tenant_id == tenant_id]
    if category is not None:
        condition.append(KbArticle.category == category)
    page = await session.scalars(
        select(KbArticle)
        .where(*condition)
        .order_by(KbArticle.created_at.desc(), KbArticle.id.desc())
        .limit(limit)
        .offset(offset)
    )
    total = await session.scalar(select(func.count()).select_from(KbArticle).where(*condition))
    return page.all(), int(total or 0)


async def update_article(
    session: AsyncSession, tenant_id: uuid.UUID, article_id: uuid.UUID, patch: ArticleUpdate
) -> KbArticle:
    changes = patch.model_dump(exclude_unset=True)
    if not changes:
        raise NoValidFields()
    article = await get_article(session, tenant_id, article_id, for_update=True)
    for field, value in changes.items():
        setattr(article, field, value)
    article.updated_at = utcnow()
    await bump_knowledge_revision(session, tenant_id)
    await session.flush()
    return article


async def delete_article(
    session: AsyncSession, tenant_id: uuid.UUID, article_id: uuid.UUID
) -> None:
    result = await session.execute(
        delete(KbArticle).where(KbArticle.tenant_id == tenant_id, KbArticle.id == article_id)
    )
    if not getattr(result, "rowcount", 0):
        raise ArticleNotFound()
    await bump_knowledge_revision(session, tenant_id)

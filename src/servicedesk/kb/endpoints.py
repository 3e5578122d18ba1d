"""HTTP routes of the knowledge base: /api/v1/kb/articles (`kb:read`, `kb:write`)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import Field

from servicedesk.auth.dependencies import require_scope
from servicedesk.auth.scopes import Scope
from servicedesk.auth.service import Principal
from servicedesk.db.session import DatabaseDep
from servicedesk.errors import ArticleNotFound, NoValidFields
from servicedesk.http import JSON_BODY_ERRORS, VALIDATION_422, Responses, require_json_body
from servicedesk.kb import service
from servicedesk.kb.schemas import ArticleCreate, ArticleList, ArticleOut, ArticleUpdate
from servicedesk.validation import Category, Storable

Search = Annotated[str, Field(min_length=1, max_length=200), Storable]

router = APIRouter(
    prefix="/api/v1/kb/articles",
    tags=["knowledge base"],
)

Reader = Annotated[Principal, Depends(require_scope(Scope.KB_READ))]
Writer = Annotated[Principal, Depends(require_scope(Scope.KB_WRITE))]

_NOT_FOUND: Responses = {404: ArticleNotFound.openapi_response()}
_VALIDATION: Responses = {422: VALIDATION_422}
_JSON_BODY: Responses = {**JSON_BODY_ERRORS, **_VALIDATION}


@router.post(
    "",
    status_code=201,
    response_model=ArticleOut,
    dependencies=[Depends(require_json_body)],
    responses=_JSON_BODY,
)
async def create_article(
    data: ArticleCreate, database: DatabaseDep, principal: Writer
) -> ArticleOut:
    """Requires `kb:write`. Triage suggests the body of the best-matching article as the
    reply to a new ticket, from the next ticket on."""
    article = await service.create_article(database, principal.tenant_id, data)
    return ArticleOut.model_validate(article)


@router.get("", response_model=ArticleList, responses=_VALIDATION)
async def list_articles(
    database: DatabaseDep,
    principal: Reader,
    category: Annotated[Category | None, Query(description="Only this category")] = None,
    search: Annotated[
        Search | None,
        Query(description="Articles with every word in the title or body (any case)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> ArticleList:
    """Requires `kb:read`. Newest first."""
    articles, total = await service.list_articles(
        database,
        principal.tenant_id,
        category=category,
        limit=limit,
        offset=offset,
        search=search,
    )
    return ArticleList(
        articles=[ArticleOut.model_validate(article) for article in articles],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{article_id}", response_model=ArticleOut, responses={**_NOT_FOUND, **_VALIDATION})
async def get_article(
    article_id: uuid.UUID, database: DatabaseDep, principal: Reader
) -> ArticleOut:
    """Requires `kb:read`."""
    return ArticleOut.model_validate(
        await service.get_article(database, principal.tenant_id, article_id)
    )


@router.patch(
    "/{article_id}",
    response_model=ArticleOut,
    dependencies=[Depends(require_json_body)],
    responses={**_NOT_FOUND, 400: NoValidFields.openapi_response(), **_JSON_BODY},
)
async def update_article(
    article_id: uuid.UUID, patch: ArticleUpdate, database: DatabaseDep, principal: Writer
) -> ArticleOut:
    """Requires `kb:write`. Omitted fields stay; a body with none of the fields is 400."""
    article = await service.update_article(database, principal.tenant_id, article_id, patch)
    return ArticleOut.model_validate(article)


@router.delete("/{article_id}", status_code=204, responses={**_NOT_FOUND, **_VALIDATION})
async def delete_article(
    article_id: uuid.UUID, database: DatabaseDep, principal: Writer
) -> Response:
    """Requires `kb:write`."""
    await service.delete_article(database, principal.tenant_id, article_id)
    return Response(status_code=204)

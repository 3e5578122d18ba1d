"""The console's knowledge-base pages: list and search, create, edit, delete. The same
service calls as /api/v1/kb/articles; agents and admins alike."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from servicedesk.console.access import CurrentUser, FormUser
from servicedesk.console.render import first_error, not_found, page, page_offset, search_text
from servicedesk.console.sessions import SignedIn
from servicedesk.db.session import DatabaseDep
from servicedesk.errors import ArticleNotFound
from servicedesk.kb import service as kb
from servicedesk.kb.schemas import ArticleCreate, ArticleUpdate

router = APIRouter(prefix="/console/kb", include_in_schema=False)
PAGE_SIZE = 25


@router.get("", response_class=HTMLResponse)
async def articles(request: Request, user: CurrentUser, database: DatabaseDep) -> Response:
    search = search_text(request.query_params.get("search", ""))
    offset = page_offset(request.query_params.get("offset"))
    found, total = await kb.list_articles(
        database,
        user.tenant_id,
        category=None,
        limit=PAGE_SIZE,
        offset=offset,
        search=search or None,
    )
    return page(
        request,
        "kb_list.html",
        user,
        {
            "articles": found,
            "total": total,
            "search": search,
            "next_offset": offset + PAGE_SIZE if offset + PAGE_SIZE < total else None,
        },
    )


@router.get("/new", response_class=HTMLResponse)
async def new_article(request: Request, user: CurrentUser) -> Response:
    return _form(request, user, None, {"title": "", "body": "", "category": "", "tags": ""})


def _form(
    request: Request,
    user: SignedIn,
    article_id: str | None,
    values: dict[str, Any],
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {"article_id": article_id, "values": values, "error": error}
    return page(request, "kb_edit.html", user, context, status_code=status_code)


@dataclass
class ArticleForm:
    """The article form as posted: tags comma-separated, an empty category none."""

    title: Annotated[str, Form(max_length=255)] = ""
    body: Annotated[str, Form(max_length=65_536)] = ""
    category: Annotated[str, Form(max_length=100)] = ""
    tags: Annotated[str, Form(max_length=1100)] = ""

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "body": self.body,
            "category": self.category,
            "tags": self.tags,
        }

    def fields(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "body": self.body,
            "category": self.category.strip() or None,
            "tags": [tag.strip() for tag in self.tags.split(",") if tag.strip()],
        }


ArticleFormDep = Annotated[ArticleForm, Depends()]


@router.post("")
async def create_article(
    request: Request, user: FormUser, form: ArticleFormDep, database: DatabaseDep
) -> Response:
    try:
        data = ArticleCreate.model_validate(form.fields())
    except ValidationError as error:
        return _form(
            request, user, None, form.values(), error=first_error(error.errors()), status_code=422
        )
    article = await kb.create_article(database, user.tenant_id, data)
    return RedirectResponse(f"/console/kb/{article.id}", status_code=303)


@router.get("/{article_id}", response_class=HTMLResponse)
async def edit_article(
    request: Request, article_id: str, user: CurrentUser, database: DatabaseDep
) -> Response:
    try:
        article = await kb.get_article(database, user.tenant_id, uuid.UUID(article_id))
    except (ValueError, ArticleNotFound):
        return not_found(request, user, "No such article.")
    values = {
        "title": article.title,
        "body": article.body,
        "category": article.category or "",
        "tags": ", ".join(article.tags),
    }
    return _form(request, user, str(article.id), values)


@router.post("/{article_id}")
async def update_article(
    request: Request,
    article_id: str,
    user: FormUser,
    form: ArticleFormDep,
    database: DatabaseDep,
) -> Response:
    try:
        wanted = uuid.UUID(article_id)
        patch = ArticleUpdate.model_validate(form.fields())
        await kb.update_article(database, user.tenant_id, wanted, patch)
    except ValidationError as error:
        values = form.values()
        return _form(
            request, user, article_id, values, error=first_error(error.errors()), status_code=422
        )
    except (ValueError, ArticleNotFound):
        return not_found(request, user, "No such article.")
    return RedirectResponse(f"/console/kb/{wanted}", status_code=303)


@router.post("/{article_id}/delete")
async def delete_article(
    request: Request, article_id: str, user: FormUser, database: DatabaseDep
) -> Response:
    try:
        await kb.delete_article(database, user.tenant_id, uuid.UUID(article_id))
    except (ValueError, ArticleNotFound):
        return not_found(request, user, "No such article.")
    return RedirectResponse("/console/kb", status_code=303)

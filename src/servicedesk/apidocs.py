"""The API's documentation: what the OpenAPI document says beyond what FastAPI reads off
the routes (the key schemes of every keyed route, the parameters of a dependency that
reads the query string itself, the headers every answer carries); the interactive docs,
`/docs` (Swagger UI) and `/redoc` (ReDoc), with their scripts, stylesheet and icon served
by this process from the `fastapi-offline` package: nothing is fetched from a CDN, so
they work on networks without the internet."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib import resources
from typing import Annotated, Any

from fastapi import FastAPI, Query
from fastapi.dependencies.models import Dependant
from fastapi.encoders import jsonable_encoder
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from servicedesk.auth.dependencies import api_key_header, bearer
from servicedesk.http import RATE_LIMIT_HEADERS, REQUEST_ID

ASSETS = "/docs-assets"


# Either scheme (a list of alternatives), X-API-Key first.
KEY_SCHEMES = (api_key_header, bearer)


def document_keys_and_headers(app: FastAPI) -> None:
    """Every route whose dependencies require a scope names the two key schemes (the
    scope check reads the key itself: servicedesk.auth.dependencies); a dependency that
    reads the query string itself has its parameters written out. Every success
    answer documents `X-Request-ID`, and on keyed routes the `RateLimit-*` budget (the
    middleware adds them to every response; the errors' own entries carry theirs,
    servicedesk.http.KEYED_ERRORS)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = generate()
            _add_key_security(app, spec)
            _add_query_models(app, spec)
            _add_success_headers(spec)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def _add_key_security(app: FastAPI, spec: dict[str, Any]) -> None:
    keyed = _routes_with(app, "required_scope")
    for operation in _operations(spec):
        if operation.get("operationId") in keyed:
            operation["security"] = [{scheme.scheme_name: []} for scheme in KEY_SCHEMES]
            _in_fastapi_order(operation)
    components = spec.setdefault("components", {})
    components["securitySchemes"] = {
        **{
            scheme.scheme_name: jsonable_encoder(scheme.model, by_alias=True, exclude_none=True)
            for scheme in KEY_SCHEMES
        },
        **components.get("securitySchemes", {}),
    }


# The order FastAPI writes an operation's keys in; what it does not write goes last.
_OPERATION_KEYS = (
    "tags",
    "summary",
    "description",
    "operationId",
    "deprecated",
    "security",
    "parameters",
    "requestBody",
    "callbacks",
    "responses",
)
_OPERATION_RANK = {key: rank for rank, key in enumerate(_OPERATION_KEYS)}


def _in_fastapi_order(operation: dict[str, Any]) -> None:
    """Keys added here are placed where FastAPI itself puts them, so that the document
    reads as it always has."""
    last = len(_OPERATION_KEYS)
    ordered = sorted(operation.items(), key=lambda item: _OPERATION_RANK.get(item[0], last))
    operation.clear()
    operation.update(ordered)


def _add_query_models(app: FastAPI, spec: dict[str, Any]) -> None:
    """The parameters of a dependency that reads the query string itself into models
    (its `query_models`), written as FastAPI writes a parameter."""
    documented = _routes_with(app, "query_models")
    schemas: dict[str, Any] = spec.setdefault("components", {}).setdefault("schemas", {})
    for operation in _operations(spec):
        models = documented.get(operation.get("operationId", ""))
        if models:
            operation["parameters"] = [
                *operation.get("parameters", []),
                *(parameter for model in models for parameter in _parameters(model, schemas)),
            ]
            _in_fastapi_order(operation)
    spec["components"]["schemas"] = dict(sorted(schemas.items()))


def _parameters(model: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    """Written by FastAPI itself, from a stand-in route whose one parameter is `model`
    as a query-parameter model."""

    async def stand_in(query: Any) -> None:
        """Never served."""

    # Set, not written in the signature: this module's annotations are strings, which
    # FastAPI would look up among the module's names.
    stand_in.__annotations__ = {"query": Annotated[model, Query()], "return": None}

    spec = get_openapi(title="", version="", routes=[APIRoute("/", stand_in)])
    parameters: list[dict[str, Any]] = spec["paths"]["/"]["get"]["parameters"]
    written = spec.get("components", {}).get("schemas", {})
    pending = _references(parameters)
    while pending:  # the schemas the parameters name, and those these name
        name = pending.pop()
        if name not in schemas:
            schemas[name] = written[name]
            pending |= _references(written[name])
    return parameters


def _references(document: Any) -> set[str]:
    return set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(document)))


def _operations(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for operations in spec.get("paths", {}).values():
        yield from operations.values()


def _routes_with(app: FastAPI, attribute: str) -> dict[str, Any]:
    """Route name (an operation's operationId: servicedesk.app.operation_id) → `attribute`
    of the route's dependency that carries it."""
    found = {
        route.name: next(_dependency_attributes(route, attribute), None)
        for route in _documented_routes(app)
    }
    return {name: value for name, value in found.items() if value is not None}


def _documented_routes(app: FastAPI) -> Iterator[APIRoute]:
    """The routes the document describes: their names are unique (a console page or an
    undocumented variant may share one)."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and route.include_in_schema:
            yield route


def _dependency_attributes(route: APIRoute, attribute: str) -> Iterator[Any]:
    """`attribute` of each of the route's dependencies (at any depth) that has it."""
    pending: list[Dependant] = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        value = getattr(dependency.call, attribute, None)
        if value is not None:
            yield value
        pending.extend(dependency.dependencies)


def _add_success_headers(spec: dict[str, Any]) -> None:
    for operation in _operations(spec):
        keyed = {"APIKeyHeader": []} in operation.get("security", [])
        for status, response in operation.get("responses", {}).items():
            if status.startswith("2"):
                response["headers"] = {
                    **REQUEST_ID,
                    **(RATE_LIMIT_HEADERS if keyed else {}),
                    **response.get("headers", {}),
                }


def install_api_docs(app: FastAPI, title: str) -> None:
    """Mount the assets and the two pages (the app is made with docs_url and
    redoc_url None, so FastAPI's CDN-backed pages are not)."""
    folder = resources.files("fastapi_offline") / "static"
    app.mount(ASSETS, StaticFiles(directory=str(folder)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{title} · API docs",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{title} · API reference",
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS}/favicon.png",
            with_google_fonts=False,
        )

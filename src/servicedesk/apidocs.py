"""The API's documentation: the headers every answer carries, added to the OpenAPI
document; the interactive docs, `/docs` (Swagger UI) and `/redoc` (ReDoc), with their
scripts, stylesheet and icon served by this process from the `fastapi-offline` package:
nothing is fetched from a CDN, so they work on networks without the internet."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from servicedesk.http import RATE_LIMIT_HEADERS, REQUEST_ID

ASSETS = "/docs-assets"


def document_headers(app: FastAPI) -> None:
    """Every success answer documents `X-Request-ID`, and on routes that take an API key
    the `RateLimit-*` budget (the middleware adds them to every response; the errors'
    own entries carry theirs, servicedesk.http.KEYED_ERRORS)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _add_success_headers(generate())
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def _add_success_headers(spec: dict[str, Any]) -> None:
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
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

"""The app's routes, as the generated matrices walk them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute


def api_routes(app: FastAPI) -> Iterator[APIRoute]:
    """Every APIRoute of the app, through the routers it includes."""

    def walk(routes: Sequence[Any]) -> Iterator[APIRoute]:
        for route in routes:
            if isinstance(route, APIRoute):
                yield route
            elif hasattr(route, "original_router"):  # an included router
                yield from walk(route.original_router.routes)

    yield from walk(app.routes)

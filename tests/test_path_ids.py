"""Every GET route with an id in its path, given ids a database cannot hold or compare
(a NUL, a lone surrogate's UTF-8 attempt, a very long one): a 4xx, never a 500, on both
databases."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI

from tests.routes import api_routes

ODD_IDS = ["%00", "a%00b", "%ED%A0%80", "x" * 5000, "%F0%9F%92%A9", "..%2F..%2Fetc"]
_PARAMETER = re.compile(r"\{[^}]+\}")


def _paths_with_ids(app: FastAPI) -> list[str]:
    return sorted(
        {
            route.path
            for route in api_routes(app)
            if "GET" in route.methods
            and route.path.startswith("/api/")
            and _PARAMETER.search(route.path)
        }
    )


async def test_odd_path_ids_are_4xx_on_every_get_route(
    app: FastAPI, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    paths = _paths_with_ids(app)
    assert len(paths) >= 8
    failures = []
    for path in paths:
        for odd in ODD_IDS:
            url = _PARAMETER.sub(odd, path)
            response = await client.get(url, headers=headers)
            if not 400 <= response.status_code < 500:
                failures.append((url[:80], response.status_code))
    assert failures == []

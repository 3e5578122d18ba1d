"""Every JSON entry point, each of its fields given each class of hostile input that once
gave a 500 somewhere (a lone surrogate, a NUL, text that looks like a bind parameter,
full-width letters, a float JSON cannot hold, NaN, a 5,000-digit number, deep nesting),
and every route with an id given ids a database cannot hold: a 4xx or a success, never
a 500, on both databases. Generated from the app's routes and their OpenAPI schemas, so
a new route or field is fuzzed without an entry here."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
from fastapi import FastAPI

from tests import test_route_matrices as matrices
from tests.test_route_matrices import REQUESTS, World

# The route matrices' world (one of each resource) and its settings (loopback only).
settings = matrices.settings
world = matrices.world

# Sent as raw JSON text in place of the quoted marker: numbers `json.dumps` won't write.
_RAW = "\x01raw:"
HOSTILE: dict[str, Any] = {
    "lone-surrogate": "ticket \ud800 text",
    "nul": "a\x00b",
    "bind-parameter": "meeting at :30 :word",
    "full-width": "Ｎｅｔｗｏｒｋ",
    "float-overflow": _RAW + "1e309",
    "nan": _RAW + "NaN",
    "5000-digits": _RAW + "9" * 5000,
    "deep": [[[[[{"a": [[[{}]]]}]]]]],
}
ODD_IDS = ["%00", "%ED%A0%80", "x" * 5000, "..%2F..%2Fetc"]
_PARAMETER = re.compile(r"\{[^}]+\}")
JSON_ROUTES = sorted(
    (method, path) for (method, path), (body, _query) in REQUESTS.items() if isinstance(body, dict)
)


def _encoded(body: Any) -> bytes:
    text = json.dumps(body)
    for marker in {m for m in HOSTILE.values() if isinstance(m, str) and m.startswith(_RAW)}:
        text = text.replace(json.dumps(marker), marker.removeprefix(_RAW))
    return text.encode()


def _schema_fields(app: FastAPI, method: str, path: str) -> list[str]:
    """The top-level fields of the route's JSON request body, from its OpenAPI schema."""
    document = app.openapi()
    body = document["paths"][path][method.lower()].get("requestBody", {})
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return sorted(schema.get("properties", {}))


def _variants(base: dict[str, Any], fields: list[str]) -> Iterator[tuple[str, Any]]:
    """`base` with one place made hostile: each schema field, each nested leaf of the
    valid body, and a new key in each of its objects."""
    places: list[tuple[str, ...]] = [(field,) for field in fields]
    places += [place for place in _leaves(base, ()) if place not in places]
    for place in places:
        for name, value in HOSTILE.items():
            yield f"{'.'.join(place)}={name}", _with(base, place, value)


def _leaves(node: Any, at: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if isinstance(node, dict):
        yield (*at, "fuzz")
        for key, value in node.items():
            yield from _leaves(value, (*at, key))
    elif at:
        yield at


def _with(base: dict[str, Any], place: tuple[str, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(base)
    node = changed
    for key in place[:-1]:
        node = node[key]
    node[place[-1]] = value
    return changed


async def test_every_field_of_every_json_route_takes_hostile_input_without_a_500(
    app: FastAPI, client: httpx.AsyncClient, headers: dict[str, str], world: World
) -> None:
    assert len(JSON_ROUTES) >= 15
    failures = []
    sent = 0
    for method, path in JSON_ROUTES:
        base, query = REQUESTS[(method, path)]
        for label, body in _variants(base, _schema_fields(app, method, path)):
            response = await client.request(
                method,
                world.path(path),
                content=_encoded(body),
                params=query,
                headers={**headers, "Content-Type": "application/json"},
            )
            sent += 1
            if response.status_code >= 500:
                failures.append((method, path, label, response.status_code))
    assert sent > 500
    assert failures == []


async def test_odd_ids_in_every_route_are_4xx(
    app: FastAPI, client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    failures = []
    for (method, path), (body, query) in sorted(REQUESTS.items()):
        if not _PARAMETER.search(path) or isinstance(body, bytes):
            continue
        for odd in ODD_IDS:
            response = await client.request(
                method, _PARAMETER.sub(odd, path), json=body, params=query, headers=headers
            )
            if not 400 <= response.status_code < 500:
                failures.append((method, path, odd[:10], response.status_code))
    assert failures == []

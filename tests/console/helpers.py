"""Signing a test client in to the console, and reading tokens out of its pages."""

from __future__ import annotations

import re

import httpx

from tests.conftest import USER_PASSWORD

_HIDDEN = r'name="{name}" value="([^"]*)"'


def hidden_value(html: str, name: str) -> str:
    found = re.search(_HIDDEN.format(name=name), html)
    assert found is not None, f"no hidden {name} in the page"
    return found.group(1)


async def sign_in(
    client: httpx.AsyncClient, email: str, password: str = USER_PASSWORD
) -> httpx.Response:
    form = await client.get("/console/login")
    token = hidden_value(form.text, "sign_in_token")
    return await client.post(
        "/console/login",
        data={"email": email, "password": password, "sign_in_token": token, "next": "/console/"},
    )


async def csrf_of(client: httpx.AsyncClient, path: str = "/console/") -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return hidden_value(page.text, "csrf_token")

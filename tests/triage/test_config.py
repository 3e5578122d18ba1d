"""GET/PUT /api/v1/configuration/triage: defaults, validation, scopes, tenant isolation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from servicedesk.auth.scopes import Scope
from servicedesk.triage.starter import DEFAULT_CATEGORIES
from tests.conftest import KeyFactory

URL = "/api/v1/configuration/triage"
Headers = dict[str, str]


async def test_the_defaults_until_the_tenant_changes_them(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    response = await client.get(URL, headers=headers)
    assert response.status_code == 200
    config = response.json()
    assert config["categories"] == list(DEFAULT_CATEGORIES)
    assert config["auto_routing"] is False
    assert config["threshold"] == 0.7
    assert config["never_auto_resolve"] == ["Security"]
    assert config["engine"] == "local"
    assert config["model"]["version"] is None
    assert config["model"]["name"].startswith("starter-")
    assert sorted(config["model"]["labels"]) == sorted(DEFAULT_CATEGORIES)


async def test_put_replaces_the_configuration_and_get_returns_it(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    body = {
        "categories": ["Network", "Hardware", "Security", "Billing"],
        "auto_routing": True,
        "threshold": 0.85,
        "never_auto_resolve": ["Security", "Billing"],
        "category_descriptions": {"Billing": "Invoices, refunds and payments."},
        "retrain_every": 40,
    }
    response = await client.put(URL, json=body, headers=headers)
    assert response.status_code == 200, response.text
    assert {k: response.json()[k] for k in body} == body
    assert (await client.get(URL, headers=headers)).json() == response.json()

    # Omitted fields take their defaults again: PUT is the whole configuration.
    again = await client.put(URL, json={"categories": ["Network", "Hardware"]}, headers=headers)
    assert again.status_code == 200
    assert again.json()["auto_routing"] is False
    assert again.json()["threshold"] == 0.7
    assert again.json()["never_auto_resolve"] == []
    assert again.json()["category_descriptions"] == {}
    assert again.json()["retrain_every"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"threshold": 1.5},
        {"threshold": -0.1},
        {"categories": []},
        {"categories": ["Network", "Network"]},
        {"categories": ["Network"], "never_auto_resolve": ["Security"]},
        {"engine": "gpt"},
        {"categories": ["x" * 101]},
        {"auto_routing": "sometimes"},
        {"unknown": True},
        {"category_descriptions": {"Billing": "Invoices."}},
        {"category_descriptions": {"Network": ""}},
        {"category_descriptions": {"Network": "x" * 2001}},
        {"category_descriptions": {"Network": "\u0000"}},
        {"retrain_every": 0},
        {"retrain_every": 100_001},
        {"retrain_every": 2.5},
    ],
)
async def test_invalid_configurations_are_422_and_change_nothing(
    client: httpx.AsyncClient, headers: Headers, body: dict[str, Any]
) -> None:
    before = (await client.get(URL, headers=headers)).json()
    response = await client.put(URL, json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert isinstance(response.json()["detail"], list)
    assert (await client.get(URL, headers=headers)).json() == before


async def test_the_llm_engine_needs_an_endpoint_configured_by_the_operator(
    client: httpx.AsyncClient, headers: Headers
) -> None:
    response = await client.put(URL, json={"engine": "llm"}, headers=headers)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "engine llm needs an LLM endpoint: the operator sets SERVICEDESK_LLM_BASE_URL"
    }


async def test_reading_needs_config_read_and_writing_config_write(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    tickets_only = {"X-API-Key": await make_key(scopes=(Scope.TICKETS_READ, Scope.TICKETS_WRITE))}
    reader = {"X-API-Key": await make_key(scopes=(Scope.CONFIG_READ,))}
    response = await client.get(URL, headers=tickets_only)
    assert response.status_code == 403
    assert response.json() == {
        "error": "forbidden",
        "message": "API key lacks required scope: config:read",
    }
    assert (await client.get(URL, headers=reader)).status_code == 200
    response = await client.put(URL, json={"auto_routing": True}, headers=reader)
    assert response.status_code == 403
    assert response.json()["message"] == "API key lacks required scope: config:write"
    assert (await client.get(URL)).status_code == 401


async def test_one_tenants_configuration_is_invisible_to_another(
    client: httpx.AsyncClient, headers: Headers, make_key: KeyFactory
) -> None:
    other = {"X-API-Key": await make_key(tenant="globex")}
    await client.put(
        URL, json={"categories": ["Billing", "Other"], "auto_routing": True}, headers=headers
    )
    theirs = (await client.get(URL, headers=other)).json()
    assert theirs["categories"] == list(DEFAULT_CATEGORIES)
    assert theirs["auto_routing"] is False

"""Rate limits: per key, per tenant, the 429 body and headers, and failing open."""

from __future__ import annotations

import httpx

from tests.conftest import ClientFactory, KeyFactory


async def get(client: httpx.AsyncClient, key: str) -> httpx.Response:
    return await client.get("/api/v1/tickets", headers={"X-API-Key": key})


async def test_requests_past_the_key_budget_are_429_with_retry_after(
    client_with: ClientFactory, api_key: str
) -> None:
    async with client_with(rate_limit_per_key="3/minute") as client:
        allowed = [await get(client, api_key) for _ in range(3)]
        refused = await get(client, api_key)

    assert [r.status_code for r in allowed] == [200, 200, 200]
    assert [r.headers["RateLimit-Remaining"] for r in allowed] == ["2", "1", "0"]
    assert allowed[0].headers["RateLimit-Limit"] == "3"
    assert allowed[0].headers["RateLimit-Policy"] == "3;w=60"
    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "Rate limit exceeded: 3 per 1 minute. "
        f"Retry after {refused.headers['Retry-After']} seconds."
    }
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["RateLimit-Remaining"] == "0"


async def test_each_key_has_its_own_budget(
    client_with: ClientFactory, make_key: KeyFactory
) -> None:
    first, second = await make_key(), await make_key()
    async with client_with(rate_limit_per_key="2/minute") as client:
        for _ in range(2):
            await get(client, first)
        assert (await get(client, first)).status_code == 429
        assert (await get(client, second)).status_code == 200


async def test_keys_of_one_tenant_share_the_tenant_budget(
    client_with: ClientFactory, make_key: KeyFactory
) -> None:
    keys = [await make_key(tenant="acme") for _ in range(3)]
    outsider = await make_key(tenant="globex")
    async with client_with(rate_limit_per_key="100/minute", rate_limit_per_tenant="4/minute") as c:
        statuses = [(await get(c, key)).status_code for key in keys + keys]
        outsider_status = (await get(c, outsider)).status_code

    assert statuses == [200] * 4 + [429] * 2
    assert outsider_status == 200


async def test_writes_are_limited_too_and_a_refused_create_writes_nothing(
    client_with: ClientFactory, api_key: str
) -> None:
    body = {"subject": "s", "description": "d"}
    headers = {"X-API-Key": api_key}
    async with client_with(rate_limit_per_key="2/minute") as client:
        statuses = [
            (await client.post("/api/v1/tickets", json=body, headers=headers)).status_code
            for _ in range(3)
        ]
    async with client_with(rate_limit_enabled=False) as client:
        total = (await client.get("/api/v1/tickets", headers=headers)).json()["total"]

    assert statuses == [201, 201, 429]
    assert total == 2


async def test_disabled_limits_never_refuse(client_with: ClientFactory, api_key: str) -> None:
    async with client_with(rate_limit_enabled=False, rate_limit_per_key="1/minute") as client:
        responses = [await get(client, api_key) for _ in range(5)]

    assert all(r.status_code == 200 for r in responses)
    assert "RateLimit-Limit" not in responses[0].headers


async def test_unreachable_redis_lets_requests_through(
    client_with: ClientFactory, api_key: str
) -> None:
    async with client_with(redis_url="redis://127.0.0.1:1/0", rate_limit_per_key="1/minute") as c:
        responses = [await get(c, api_key) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]

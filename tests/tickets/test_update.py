"""PATCH /api/v1/tickets/{id}: partial update, merge of metadata, triage overrides."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.conftest import KeyFactory, new_uuid


async def patch(
    client: httpx.AsyncClient, headers: dict[str, str], ticket_id: str, body: Any
) -> httpx.Response:
    return await client.patch(f"/api/v1/tickets/{ticket_id}", json=body, headers=headers)


async def read(client: httpx.AsyncClient, headers: dict[str, str], ticket_id: str) -> Any:
    response = await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)
    assert response.status_code == 200
    return response.json()


async def test_seed_patch_changes_only_the_given_fields(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()

    response = await patch(
        client, headers, ticket["id"], {"status": "pending", "priority": "medium"}
    )

    assert response.status_code == 200
    updated = response.json()
    assert updated["status"] == "pending"
    assert updated["priority"] == "medium"
    unchanged = {k: v for k, v in ticket.items() if k not in {"status", "priority", "updated_at"}}
    assert {k: updated[k] for k in unchanged} == unchanged
    assert updated["updated_at"] > ticket["updated_at"]
    assert updated["created_at"] == ticket["created_at"]
    assert await read(client, headers, ticket["id"]) == updated


async def test_close_and_reopen_by_patch(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()

    closed = await patch(client, headers, ticket["id"], {"status": "closed"})
    reopened = await patch(client, headers, ticket["id"], {"status": "open"})

    assert closed.json()["status"] == "closed"
    assert reopened.json()["status"] == "open"


@pytest.mark.parametrize(
    "status", ["open", "pending", "resolved", "closed", "ai_resolved", "pending_agent"]
)
async def test_any_status_can_be_set(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, status: str
) -> None:
    ticket = await create_ticket(status="closed")

    response = await patch(client, headers, ticket["id"], {"status": status})

    assert response.status_code == 200
    assert response.json()["status"] == status


async def test_triage_fields_can_be_overridden_and_cleared(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()

    overridden = await patch(
        client,
        headers,
        ticket["id"],
        {"status": "pending_agent", "category": "Network", "ai_suggested_response": "Restart."},
    )
    cleared = await patch(client, headers, ticket["id"], {"category": None})

    assert overridden.status_code == 200
    assert overridden.json()["category"] == "Network"
    assert overridden.json()["ai_suggested_response"] == "Restart."
    assert cleared.json()["category"] is None
    assert cleared.json()["ai_suggested_response"] == "Restart."


async def test_every_writable_field_can_be_patched(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()
    changes = {
        "subject": "Printer on fire",
        "description": "Second floor.",
        "status": "resolved",
        "priority": "urgent",
        "requester_email": "sam@example.org",
        "category": "Printing",
        "ai_suggested_response": "Evacuate.",
    }

    response = await patch(client, headers, ticket["id"], changes)

    assert response.status_code == 200
    assert {k: response.json()[k] for k in changes} == changes


async def test_priority_and_email_can_be_cleared_with_null(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()

    response = await patch(
        client, headers, ticket["id"], {"priority": None, "requester_email": None}
    )

    assert response.json()["priority"] is None
    assert response.json()["requester_email"] is None


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="empty"),
        pytest.param({"unknown": 1, "another": "x"}, id="only-unknown"),
        pytest.param({"confidence_score": 0.1}, id="confidence-only"),
        pytest.param({"id": new_uuid(), "created_at": "2020-01-01T00:00:00Z"}, id="read-only"),
    ],
)
async def test_patch_with_no_valid_field_is_400_with_both_keys(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, body: Any
) -> None:
    ticket = await create_ticket()

    response = await patch(client, headers, ticket["id"], body)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "No valid fields to update",
        "error": "No valid fields to update",
    }
    assert await read(client, headers, ticket["id"]) == ticket


async def test_confidence_score_is_never_changed_by_patch(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()

    response = await patch(
        client, headers, ticket["id"], {"status": "closed", "confidence_score": 1}
    )

    assert response.status_code == 200
    assert response.json()["confidence_score"] == ticket["confidence_score"]
    assert ticket["confidence_score"] is not None  # triage wrote it on create


async def test_metadata_merges_key_by_key(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket(
        metadata={"category": "Network", "site": "HQ", "device": {"os": "mac", "model": "m1"}}
    )

    response = await patch(
        client,
        headers,
        ticket["id"],
        {"metadata": {"site": None, "floor": 3, "device": {"model": None, "ram": 16}}},
    )

    assert response.status_code == 200
    assert response.json()["metadata"] == {
        "category": "Network",
        "floor": 3,
        "device": {"os": "mac", "ram": 16},
    }


async def test_null_metadata_clears_it(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()

    response = await patch(client, headers, ticket["id"], {"metadata": None})

    assert response.json()["metadata"] == {}


INVALID_PATCHES = [
    ("status", {"status": "archived", "priority": "low"}),
    ("status", {"status": None}),
    ("subject", {"subject": None}),
    ("subject", {"subject": ""}),
    ("subject", {"subject": "x" * 256}),
    ("subject", {"subject": 5}),
    ("description", {"description": None}),
    ("description", {"description": ""}),
    ("priority", {"priority": "p1"}),
    ("requester_email", {"requester_email": "nope"}),
    ("metadata", {"metadata": "x"}),
    ("metadata", {"metadata": {"k": "x" * 20_000}}),
    ("category", {"category": ""}),
    ("category", {"category": "x" * 101}),
    ("category", {"category": 3}),
    ("ai_suggested_response", {"ai_suggested_response": ["a"]}),
    ("ai_suggested_response", {"ai_suggested_response": "x" * 65_537}),
]


@pytest.mark.parametrize(
    ("field", "body"),
    [
        pytest.param(field, body, id=f"{field}-{i}")
        for i, (field, body) in enumerate(INVALID_PATCHES)
    ],
)
async def test_invalid_patch_is_422_and_writes_nothing(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, field: str, body: Any
) -> None:
    ticket = await create_ticket()

    response = await patch(client, headers, ticket["id"], body)

    assert response.status_code == 422
    assert any(error["loc"][:2] == ["body", field] for error in response.json()["detail"])
    assert await read(client, headers, ticket["id"]) == ticket


@pytest.mark.parametrize("body", [[], "closed", None, 3])
async def test_patch_body_that_is_not_an_object_is_422(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, body: Any
) -> None:
    ticket = await create_ticket()

    response = await patch(client, headers, ticket["id"], body)

    assert response.status_code == 422
    assert await read(client, headers, ticket["id"]) == ticket


async def test_patch_with_non_json_content_type_is_415(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()

    response = await client.patch(
        f"/api/v1/tickets/{ticket['id']}",
        content=b'{"status": "closed"}',
        headers={**headers, "Content-Type": "text/plain"},
    )

    assert response.status_code == 415
    assert await read(client, headers, ticket["id"]) == ticket


async def test_patch_of_unknown_ticket_is_404(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await patch(client, headers, new_uuid(), {"status": "closed"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Ticket not found"}


async def test_patch_of_non_uuid_is_422(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await patch(client, headers, "42", {"status": "closed"})

    assert response.status_code == 422


async def test_patch_of_another_tenants_ticket_is_404_and_writes_nothing(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, make_key: KeyFactory
) -> None:
    ticket = await create_ticket()
    other = {"X-API-Key": await make_key(tenant="globex")}

    response = await patch(client, other, ticket["id"], {"status": "closed"})

    assert response.status_code == 404
    assert await read(client, headers, ticket["id"]) == ticket


async def test_updated_at_moves_on_every_write(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket()
    stamps = [ticket["updated_at"]]

    for priority in ["low", "medium", "high", "urgent", "low"]:
        response = await patch(client, headers, ticket["id"], {"priority": priority})
        stamps.append(response.json()["updated_at"])

    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)


async def test_concurrent_metadata_patches_lose_no_key(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    ticket = await create_ticket(metadata={})

    responses = await asyncio.gather(
        *(patch(client, headers, ticket["id"], {"metadata": {f"k{i}": i}}) for i in range(10))
    )

    assert all(r.status_code == 200 for r in responses)
    final = await read(client, headers, ticket["id"])
    assert final["metadata"] == {f"k{i}": i for i in range(10)}

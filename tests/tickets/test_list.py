"""GET /api/v1/tickets: envelope, filters, bounds, ordering, and pages that never repeat."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from servicedesk.auth.repository import get_tenant_by_name
from servicedesk.db.database import Database
from servicedesk.tickets.models import Ticket
from tests.conftest import KeyFactory
from tests.helpers.hostile import HOSTILE_CURSORS

BASE = datetime(2026, 2, 20, 14, 30, tzinfo=UTC)


async def insert_tickets(
    database: Database, created: list[datetime], *, tenant: str = "acme", status: str = "open"
) -> list[str]:
    """Tickets with chosen creation times, written straight to the database."""

    def write(session: Session) -> list[str]:
        owner = get_tenant_by_name(session, tenant)
        assert owner is not None
        tickets = [
            Ticket(
                id=uuid.uuid4(),
                tenant_id=owner.id,
                subject=f"ticket {i}",
                description="d",
                status=status,
                metadata_={},
                created_at=when,
                updated_at=when,
            )
            for i, when in enumerate(created)
        ]
        session.add_all(tickets)
        return [str(t.id) for t in tickets]

    return await database.write(write)


async def list_tickets(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> httpx.Response:
    return await client.get("/api/v1/tickets", params=params, headers=headers)


async def test_empty_list_envelope(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await list_tickets(client, headers)

    assert response.status_code == 200
    assert response.json() == {
        "tickets": [],
        "total": 0,
        "limit": 20,
        "offset": 0,
        "next_cursor": None,
    }


async def test_seed_list_query_returns_envelope_with_echoed_paging(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    created = await create_ticket()

    response = await list_tickets(client, headers, status="open", limit=10, offset=0)

    body = response.json()
    assert body["tickets"] == [created]
    assert (body["total"], body["limit"], body["offset"]) == (1, 10, 0)


async def test_default_page_is_20_newest_first(
    client: httpx.AsyncClient, headers: dict[str, str], database: Database
) -> None:
    ids = await insert_tickets(database, [BASE + timedelta(seconds=i) for i in range(25)])

    body = (await list_tickets(client, headers)).json()

    assert body["total"] == 25
    assert [t["id"] for t in body["tickets"]] == list(reversed(ids))[:20]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": -1},
        {"limit": "ten"},
        {"offset": -1},
        {"offset": "x"},
        {"offset": 100_001},
        {"offset": 10**30},
        {"status": "archived"},
        {"start_date": "yesterday"},
        {"end_date": "2026-13-01"},
        {"start_date": "2026-02-21", "end_date": "2026-02-20"},
        {"cursor": "not-a-cursor"},
        *({"cursor": hostile} for hostile in HOSTILE_CURSORS),
    ],
)
async def test_bad_query_parameter_is_422(
    client: httpx.AsyncClient, headers: dict[str, str], params: dict[str, Any]
) -> None:
    response = await list_tickets(client, headers, **params)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def locations(response: httpx.Response) -> list[list[str | int]]:
    assert response.status_code == 422, response.text
    return [error["loc"] for error in response.json()["detail"]]


async def test_every_failed_check_of_the_query_is_in_one_422_filters_first(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    """The order FastAPI answered in when each parameter was declared on its own: the
    filters, the custom-field filters, then the page."""
    query = "limit=0&offset=-1&status=bogus&sla_breached=maybe&" + "&".join(["cf=a:b"] * 21)
    response = await client.get(f"/api/v1/tickets?{query}", headers=headers)

    assert locations(response) == [
        ["query", "status"],
        ["query", "sla_breached"],
        ["query", "cf"],
        ["query", "limit"],
        ["query", "offset"],
    ]
    first = response.json()["detail"][0]
    assert first["type"] == "enum"
    assert first["msg"].startswith("Input should be 'open'")
    assert "input" not in first


async def test_a_filters_own_check_answers_alone_before_the_page_is_read(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    dates = await list_tickets(client, headers, limit=0, start_date="yesterday")
    pairs = await client.get("/api/v1/tickets?limit=0&cf=no-colon", headers=headers)

    assert locations(dates) == [["query", "start_date"]]
    assert locations(pairs) == [["query", "cf"]]
    assert pairs.json()["detail"][0]["msg"] == "Input should be name:value"


async def test_a_repeated_parameter_counts_its_last_value(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    last_bad = await client.get("/api/v1/tickets?limit=5&limit=x", headers=headers)
    last_good = await client.get("/api/v1/tickets?limit=x&limit=5&unknown=1", headers=headers)

    assert locations(last_bad) == [["query", "limit"]]
    assert last_good.status_code == 200
    assert last_good.json()["limit"] == 5


@pytest.mark.parametrize("limit", [1, 100])
async def test_limit_bounds_are_inclusive(
    client: httpx.AsyncClient, headers: dict[str, str], limit: int
) -> None:
    response = await list_tickets(client, headers, limit=limit)

    assert response.status_code == 200
    assert response.json()["limit"] == limit


@pytest.mark.parametrize(
    "status", ["open", "pending", "resolved", "closed", "ai_resolved", "pending_agent"]
)
async def test_status_filter_accepts_all_six(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, status: str
) -> None:
    wanted = await create_ticket(status=status)
    await create_ticket(status="open" if status != "open" else "closed")

    body = (await list_tickets(client, headers, status=status)).json()

    assert [t["id"] for t in body["tickets"]] == [wanted["id"]]
    assert body["total"] == 1


async def test_date_filters_are_inclusive_on_created_at(
    client: httpx.AsyncClient, headers: dict[str, str], database: Database
) -> None:
    ids = await insert_tickets(database, [BASE + timedelta(hours=i) for i in range(5)])

    body = (
        await list_tickets(
            client,
            headers,
            start_date=(BASE + timedelta(hours=1)).isoformat(),
            end_date=(BASE + timedelta(hours=3)).isoformat(),
        )
    ).json()

    assert [t["id"] for t in body["tickets"]] == [ids[3], ids[2], ids[1]]
    assert body["total"] == 3


@pytest.mark.parametrize(
    ("start_date", "end_date", "expected"),
    [
        pytest.param("2026-02-20T15:30:00Z", None, 3, id="z-suffix"),
        pytest.param("2026-02-20T16:30:00+01:00", None, 3, id="offset"),
        pytest.param("2026-02-20T16:30:00 01:00", None, 3, id="unencoded-plus"),
        pytest.param("2026-02-20T15:30:00", None, 3, id="naive-is-utc"),
        pytest.param(None, "2026-02-20", 4, id="bare-end-date-is-whole-day"),
        pytest.param("2026-02-21", None, 0, id="bare-start-date-is-midnight"),
    ],
)
async def test_date_filter_formats(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    database: Database,
    start_date: str | None,
    end_date: str | None,
    expected: int,
) -> None:
    await insert_tickets(database, [BASE + timedelta(hours=i) for i in range(4)])
    params = {k: v for k, v in {"start_date": start_date, "end_date": end_date}.items() if v}

    response = await list_tickets(client, headers, **params)

    assert response.status_code == 200
    assert response.json()["total"] == expected


async def test_filters_combine(
    client: httpx.AsyncClient, headers: dict[str, str], database: Database
) -> None:
    await insert_tickets(database, [BASE, BASE + timedelta(days=2)], status="closed")
    await insert_tickets(database, [BASE + timedelta(days=2)], status="open")

    body = (
        await list_tickets(client, headers, status="closed", start_date="2026-02-21T00:00:00Z")
    ).json()

    assert body["total"] == 1


async def test_identical_timestamps_page_in_a_stable_order(
    client: httpx.AsyncClient, headers: dict[str, str], database: Database
) -> None:
    ids = await insert_tickets(database, [BASE] * 12)

    seen = []
    for offset in range(0, 12, 5):
        body = (await list_tickets(client, headers, limit=5, offset=offset)).json()
        seen.extend(t["id"] for t in body["tickets"])

    assert sorted(seen) == sorted(ids)
    assert len(set(seen)) == 12
    assert seen == sorted(ids, key=uuid.UUID, reverse=True)


async def test_offset_past_the_end_is_an_empty_page(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    await create_ticket()

    body = (await list_tickets(client, headers, offset=50)).json()

    assert body["tickets"] == []
    assert body["total"] == 1
    assert body["next_cursor"] is None


async def test_cursor_pages_never_repeat_or_skip_while_tickets_are_added(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    existing = [(await create_ticket(subject=f"old {i}"))["id"] for i in range(23)]

    seen: list[str] = []
    params: dict[str, Any] = {"limit": 5}
    while True:
        body = (await list_tickets(client, headers, **params)).json()
        seen.extend(t["id"] for t in body["tickets"])
        await create_ticket(subject="arrived while paging")
        if body["next_cursor"] is None:
            break
        params = {"limit": 5, "cursor": body["next_cursor"]}

    assert len(seen) == len(set(seen)), "a ticket was repeated"
    assert seen == list(reversed(existing)), "a ticket was skipped or misordered"


async def test_cursor_respects_filters(
    client: httpx.AsyncClient, headers: dict[str, str], database: Database
) -> None:
    closed = await insert_tickets(
        database, [BASE + timedelta(minutes=i) for i in range(6)], status="closed"
    )
    await insert_tickets(database, [BASE + timedelta(minutes=i) for i in range(6)], status="open")

    first = (await list_tickets(client, headers, status="closed", limit=4)).json()
    second = (
        await list_tickets(client, headers, status="closed", limit=4, cursor=first["next_cursor"])
    ).json()

    got = [t["id"] for t in first["tickets"] + second["tickets"]]
    assert got == list(reversed(closed))
    assert second["next_cursor"] is None


async def test_list_never_shows_another_tenants_tickets(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, make_key: KeyFactory
) -> None:
    await create_ticket()
    other = {"X-API-Key": await make_key(tenant="globex")}

    body = (await list_tickets(client, other)).json()

    assert body["tickets"] == []
    assert body["total"] == 0


@pytest.fixture
async def eight_tickets_over_a_limit_of_five(
    database: Database, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight tickets of the tenant behind `headers`, with totals exact only up to five."""
    from servicedesk.tickets import reading as service

    monkeypatch.setattr(service, "EXACT_COUNT_LIMIT", 5)
    await insert_tickets(database, [BASE + timedelta(seconds=i) for i in range(8)])


@pytest.mark.usefixtures("eight_tickets_over_a_limit_of_five")
async def test_totals_past_the_exact_limit_are_estimated_on_postgres_only(
    client: httpx.AsyncClient, headers: dict[str, str], backend: str
) -> None:
    under = (await list_tickets(client, headers, status="closed")).json()

    response = await list_tickets(client, headers, limit=3)

    assert under["total"] == 0
    assert len(response.json()["tickets"]) == 3
    if backend == "postgres":
        assert response.headers["Total-Is-Estimate"] == "true"
        assert response.json()["total"] >= 6
    else:
        assert "Total-Is-Estimate" not in response.headers
        assert response.json()["total"] == 8


@pytest.mark.usefixtures("eight_tickets_over_a_limit_of_five")
async def test_an_estimated_total_is_remembered_for_seconds_an_exact_one_never(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from servicedesk.tickets import reading as service
    from servicedesk.tickets.repository import Count, TicketFilters, TicketRepository

    counted: list[TicketFilters] = []
    real_count = TicketRepository.count

    def counting(self: TicketRepository, filters: TicketFilters, **kwargs: Any) -> Count:
        counted.append(filters)
        return real_count(self, filters, **kwargs)

    def kept_counting(dialect: str, tenant_id: Any, filters: TicketFilters) -> Any:
        kept = real_kept(dialect, tenant_id, filters)
        if kept is not None:  # SQLite's kept count, read past the session
            counted.append(filters)
        return kept

    real_kept = service.kept_count_query
    monkeypatch.setattr(TicketRepository, "count", counting)
    monkeypatch.setattr(service, "kept_count_query", kept_counting)
    for _ in range(3):
        await list_tickets(client, headers, limit=3)
        await list_tickets(client, headers, status="closed")

    unfiltered = [f for f in counted if f.status is None]
    closed = [f for f in counted if f.status == "closed"]
    assert len(closed) == 3
    assert len(unfiltered) == (1 if backend == "postgres" else 3)


async def test_exact_totals_carry_no_estimate_header(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    await create_ticket()

    response = await list_tickets(client, headers)

    assert response.json()["total"] == 1
    assert "Total-Is-Estimate" not in response.headers


async def test_filters_by_priority_category_requester_and_updated_since(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any
) -> None:
    a = await create_ticket(priority="low", requester_email="Ann@Example.com")
    b = await create_ticket(priority="urgent", requester_email="bob@example.com")
    c = await create_ticket(priority="urgent", requester_email=None)
    await client.patch(f"/api/v1/tickets/{b['id']}", json={"category": "Printing"}, headers=headers)
    changed = await client.patch(
        f"/api/v1/tickets/{c['id']}", json={"status": "pending"}, headers=headers
    )

    async def ids(**params: str) -> list[str]:
        response = await client.get("/api/v1/tickets", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [t["id"] for t in response.json()["tickets"]]

    assert await ids(priority="urgent") == [c["id"], b["id"]]
    assert await ids(priority="urgent", status="pending") == [c["id"]]
    assert await ids(category="Printing") == [b["id"]]
    # Addresses are matched as stored: the domain lower-cased, the local part kept.
    assert await ids(requester_email="Ann@EXAMPLE.com") == [a["id"]]
    assert await ids(updated_since=changed.json()["updated_at"]) == [c["id"]]
    assert await ids(updated_since=a["created_at"]) == [c["id"], b["id"], a["id"]]


@pytest.mark.parametrize(
    "params",
    [
        {"priority": "critical"},
        {"category": ""},
        {"category": "x" * 101},
        {"category": "nul\u0000"},
        {"requester_email": "not-an-address"},
        {"updated_since": "yesterday"},
    ],
)
async def test_invalid_filter_values_are_422(
    params: dict[str, str], client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/api/v1/tickets", params=params, headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"

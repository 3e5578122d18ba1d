"""GET /api/v1/tickets/{id}."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy.orm import Session

from servicedesk.db.database import Database
from servicedesk.tickets.repository import TicketRepository, row_query
from servicedesk.tickets.schemas import ready_ticket_document, ticket_document
from tests.conftest import KeyFactory, new_uuid
from tests.tickets.columns import fill_every_column


async def test_unknown_ticket_is_404(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.get(f"/api/v1/tickets/{new_uuid()}", headers=headers)

    assert response.status_code == 404
    assert response.json() == {"detail": "Ticket not found"}


async def test_non_uuid_id_is_422(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.get("/api/v1/tickets/1042", headers=headers)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "ticket_id"]


async def test_ticket_of_another_tenant_is_404(
    client: httpx.AsyncClient, create_ticket: Any, make_key: KeyFactory
) -> None:
    ticket = await create_ticket()
    other = await make_key(tenant="globex")

    response = await client.get(f"/api/v1/tickets/{ticket['id']}", headers={"X-API-Key": other})

    assert response.status_code == 404
    assert response.json() == {"detail": "Ticket not found"}


async def test_the_row_read_past_the_session_makes_the_ticket_the_session_makes(
    client: httpx.AsyncClient, headers: dict[str, str], create_ticket: Any, database: Database
) -> None:
    """`Database.lookup_ready_rows` (the driver's values, rendered) gives the ticket the
    session's values give, every column filled: UUIDs, JSON, times, a float."""
    ticket = await create_ticket()
    ticket_id = uuid.UUID(ticket["id"])
    tenant_id = await fill_every_column(database, ticket_id)

    def by_session(session: Session) -> dict[str, Any]:
        row = TicketRepository(session, tenant_id).row(ticket_id)
        assert row is not None
        return ticket_document(row)

    from_session = await database.read(by_session)
    past_session = await database.lookup_ready_rows(row_query(tenant_id, ticket_id))

    assert [ready_ticket_document(row) for row in past_session] == [from_session]
    assert None not in from_session.values()
    response = await client.get(f"/api/v1/tickets/{ticket_id}", headers=headers)
    assert response.json() == from_session
    assert await database.lookup_ready_rows(row_query(tenant_id, uuid.uuid4())) == []

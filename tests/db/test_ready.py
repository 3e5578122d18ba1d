"""JSON-ready rows (servicedesk.db.ready): rendered straight from the driver's values,
the ticket object they make is the one the Python values make, on both databases."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from servicedesk.db.base import UTCDateTime
from servicedesk.db.database import Database
from servicedesk.db.ready import _dashed, _stored_instant, instant
from servicedesk.tickets.repository import TicketFilters, TicketRepository, newest_page_query
from servicedesk.tickets.schemas import TicketOut, ready_ticket_document, ticket_document
from tests.tickets.columns import fill_every_column


async def test_a_page_of_json_ready_rows_makes_the_documents_python_values_make(
    client: httpx.AsyncClient, create_ticket: Any, database: Database
) -> None:
    bare = uuid.UUID((await create_ticket())["id"])
    filled = uuid.UUID((await create_ticket())["id"])
    tenant_id = await fill_every_column(database, filled)

    def by_session(session: Session) -> list[dict[str, Any]]:
        repository = TicketRepository(session, tenant_id)
        rows = repository.list_page(TicketFilters(), limit=10)
        return [ticket_document(row) for row in rows]

    expected = await database.read(by_session)
    query = newest_page_query(tenant_id, TicketFilters(), 10, 0, None)
    documents = [ready_ticket_document(row) for row in await database.lookup_ready_rows(query)]

    assert documents == expected
    assert {document["id"] for document in documents} == {str(bare), str(filled)}
    assert [list(document) for document in documents] == [list(TicketOut.model_fields)] * 2


@pytest.mark.parametrize(
    "stored",
    [
        "2026-02-20 14:30:00.000000",
        "2026-02-20 14:30:00.000001",
        "2026-02-20 14:30:05.120000",
        "2026-02-20 14:30:00",  # as written by hand, not by SQLAlchemy
        "2026-02-20 14:30:05.12",
    ],
)
def test_a_time_stored_on_sqlite_renders_as_sqlalchemy_reads_it(stored: str) -> None:
    read = UTCDateTime()._cached_result_processor(sqlite.dialect(), None)
    assert read is not None

    assert _stored_instant(stored, convert=read) == instant(read(stored))


@pytest.mark.parametrize("value", [uuid.uuid4(), uuid.UUID(int=7)])
def test_a_uuid_stored_on_sqlite_renders_as_its_text(value: uuid.UUID) -> None:
    assert _dashed(value.hex) == str(value)
    assert _dashed(str(value)) == str(value)  # stored with dashes by hand

"""Which tickets match: the filters of a list, its orders and cursor positions, the
conditions they make, full-text search (FTS5 on SQLite, tsvector on PostgreSQL) and
counting (exact, kept by SQLite's triggers, or the planner's estimate)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    TextClause,
    and_,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from servicedesk.db.base import utcnow
from servicedesk.db.database import RowQuery
from servicedesk.tickets.models import Ticket


@dataclass(frozen=True, slots=True)
class TicketFilters:
    status: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    priority: str | None = None
    category: str | None = None
    requester_email: str | None = None
    updated_since: datetime | None = None
    # (name, type, value) of each `cf.<name>=value`, the value already of the field's type.
    custom_fields: tuple[tuple[str, str, Any], ...] = ()
    # Full-text search: the words the caller typed (`search_words` made them safe).
    search: str | None = None
    group_id: uuid.UUID | None = None
    # Any of these groups (the console's "my groups"); empty: no such condition.
    group_ids: tuple[uuid.UUID, ...] = ()
    # An assignee's id, or UNASSIGNED for tickets nobody is assigned.
    assignee_id: uuid.UUID | None = None
    # True: tickets with a target missed (as of `as_of`); False: with an SLA, none missed.
    sla_breached: bool | None = None
    # Tickets whose nearest open due time is before this.
    sla_due_before: datetime | None = None
    # The instant `sla_breached` is judged at (the request's).
    as_of: datetime | None = None

    def walks_an_index(self) -> bool:
        """Whether a page of these reads about its own rows from an index, newest first
        (no filter, or status and dates only); others may read many rows to find a page."""
        return self == TicketFilters(
            status=self.status, created_from=self.created_from, created_to=self.created_to
        )


# The orders a list can have; only `newest` pages with a cursor.
ORDERS: dict[str, tuple[Any, ...]] = {
    "newest": (Ticket.created_at.desc(), Ticket.id.desc()),
    "oldest": (Ticket.created_at.asc(), Ticket.id.asc()),
    "updated": (Ticket.updated_at.desc(), Ticket.id.desc()),
    # The nearest open due time first; tickets without one after all that have one.
    "sla_due": (Ticket.sla_due_at.asc().nulls_last(), Ticket.created_at.asc(), Ticket.id.asc()),
}

# `assignee_id=none`: no real user has the nil UUID as id.
UNASSIGNED = uuid.UUID(int=0)


@dataclass(frozen=True, slots=True)
class Position:
    """A place in the newest-first order: just after the ticket with these keys."""

    created_at: datetime
    id: uuid.UUID


# SQLite's kept counts (migration 0010); tenant ids are stored as 32 hex digits there.
_KEPT_COUNT = text(
    "SELECT sum(tickets) AS tickets FROM ticket_counts WHERE tenant_id = :tenant_id"
).columns(tickets=Integer)
_KEPT_STATUS_COUNT = text(
    "SELECT tickets FROM ticket_counts WHERE tenant_id = :tenant_id AND status = :status"
).columns(tickets=Integer)


def matching_conditions(
    tenant_id: uuid.UUID, filters: TicketFilters, dialect: str, *, search: bool = True
) -> list[ColumnElement[bool] | TextClause]:
    """The filters as SQL; `search=False` leaves the full-text condition to the caller."""
    conditions: list[ColumnElement[bool] | TextClause] = [Ticket.tenant_id == tenant_id]
    if filters.status is not None:
        conditions.append(Ticket.status == filters.status)
    if filters.created_from is not None:
        conditions.append(Ticket.created_at >= filters.created_from)
    if filters.created_to is not None:
        conditions.append(Ticket.created_at <= filters.created_to)
    if filters.priority is not None:
        conditions.append(Ticket.priority == filters.priority)
    if filters.category is not None:
        conditions.append(Ticket.category == filters.category)
    if filters.requester_email is not None:
        conditions.append(Ticket.requester_email == filters.requester_email)
    if filters.updated_since is not None:
        conditions.append(Ticket.updated_at >= filters.updated_since)
    if filters.group_id is not None:
        conditions.append(Ticket.group_id == filters.group_id)
    if filters.group_ids:
        conditions.append(Ticket.group_id.in_(filters.group_ids))
    if filters.assignee_id == UNASSIGNED:
        conditions.append(Ticket.assignee_id.is_(None))
    elif filters.assignee_id is not None:
        conditions.append(Ticket.assignee_id == filters.assignee_id)
    if filters.sla_breached is not None:
        conditions.append(_sla_breached(filters.sla_breached, filters.as_of))
    if filters.sla_due_before is not None:
        conditions.append(Ticket.sla_due_at < filters.sla_due_before)
    for name, field_type, value in filters.custom_fields:
        conditions.append(_custom_field_matches(name, field_type, value, dialect))
    if search and filters.search is not None:
        conditions.append(_search_matches(filters.search, dialect))
    return conditions


def _sla_breached(breached: bool, as_of: datetime | None) -> ColumnElement[bool]:
    """A target missed: recorded (`sla_breached`), or an open due time already past
    (before its timer has run)."""
    missed = or_(Ticket.sla_breached.is_(True), Ticket.sla_due_at <= (as_of or utcnow()))
    if breached:
        return missed
    return and_(Ticket.sla_policy_id.is_not(None), ~missed)


_WORD = re.compile(r"\w+")
# SQLite: FTS5 over subject, description and notes (migration 0007); bm25 is lower for
# better matches, and a word in the subject counts 4 times one in the description.
_FTS_MATCHES = (
    "tickets.id IN (SELECT s.ticket_id FROM tickets_fts "
    "JOIN ticket_search_ids s ON s.id = tickets_fts.rowid WHERE tickets_fts MATCH :search)"
)
_FTS_RANKED = (
    "SELECT s.ticket_id AS ticket_id, bm25(tickets_fts, 4.0, 1.0, 1.0) AS score "
    "FROM tickets_fts JOIN ticket_search_ids s ON s.id = tickets_fts.rowid "
    "WHERE tickets_fts MATCH :search"
)
# A search ranks the newest this many matches (see _ranked_by_search).
SEARCH_WINDOW = 200
# A search counts exactly up to this many matches; beyond, it is dense (and estimated),
# and its window is first looked for among the newest DENSE_PROBE_ROWS tickets.
SEARCH_DENSE = 1_000
DENSE_PROBE_ROWS = 50_000
# SQLite: up to this many matches, FTS5's list of them drives the search (see
# `_ranked_by_search`); above, walking the newest tickets finds the window sooner.
SQLITE_MATCHES_FIRST = 20_000
# PostgreSQL: the tsvector the triggers keep (subject A, description B, notes C).
_TS_QUERY = "websearch_to_tsquery('english', :search)"


def search_words(raw: str) -> list[str]:
    """The words of a search, as both databases will match them (all of them)."""
    return _WORD.findall(raw)


def _fts_query(words: str) -> str:
    # Each word quoted: FTS5 operators and column filters in user input stay words.
    return " ".join(f'"{word}"' for word in search_words(words))


def _search_matches(search: str, dialect: str) -> TextClause:
    if dialect == "postgresql":
        clause = text(f"tickets.search_vector @@ {_TS_QUERY}")
        return clause.bindparams(bindparam("search", search, unique=True))
    return text(_FTS_MATCHES).bindparams(bindparam("search", _fts_query(search), unique=True))


def _ranked_by_search(
    conditions: list[ColumnElement[bool] | TextClause], search: str, *, matches_first: bool
) -> Select[Any]:
    """SQLite: the newest SEARCH_WINDOW tickets that match, best match first, then newest
    (PostgreSQL: `search_page`).

    Ranking every match of a common word costs a read of each one (at a million
    tickets, "printer" matched 167,000 and took 760 ms): the window bounds the work,
    and recent tickets are what a service desk searches for. Older ones are reached by
    narrowing the search (more words, dates, status).

    Left to itself SQLite walks the tenant's tickets newest first and asks FTS5 about
    each (~35 µs a ticket): quick when a word is common, but a word in a handful of
    tickets walked them all (641 ms at 16,000 tickets). `matches_first` (the caller
    knows the count) has FTS5 list the matches once, materialized, and joins those:
    0.1 ms for that word, 12 ms for one in 2,500 tickets.
    """
    newest_first = (Ticket.created_at.desc(), Ticket.id.desc())
    matches = text(_FTS_RANKED).bindparams(bindparam("search", _fts_query(search), unique=True))
    columns = matches.columns(column("ticket_id", String), column("score", Float))
    fts = (
        columns.cte("matches").prefix_with("MATERIALIZED")
        if matches_first
        else columns.subquery("matches")
    )
    ranked_window = (
        select(Ticket.id, fts.c.score)
        .join(fts, fts.c.ticket_id == Ticket.id)
        .where(*conditions)
        .order_by(*newest_first)
        .limit(SEARCH_WINDOW)
        .subquery("window")
    )
    return (
        select(Ticket)
        .join(ranked_window, ranked_window.c.id == Ticket.id)
        .order_by(ranked_window.c.score, *newest_first)
    )


def _ranked_postgres(query: Select[Any], search: str) -> Select[Any]:
    rank = text(f"ts_rank_cd(tickets.search_vector, {_TS_QUERY}) DESC").bindparams(
        bindparam("search", search, unique=True)
    )
    return query.order_by(rank, Ticket.created_at.desc(), Ticket.id.desc())


def _dense_window(
    session: Session, conditions: list[ColumnElement[bool] | TextClause], search: str
) -> list[uuid.UUID] | None:
    """PostgreSQL, for a search known to match many tickets: its window found among the
    newest DENSE_PROBE_ROWS tickets, or None if fewer than a window's worth are there.

    Through the GIN index, every match is fetched before the newest are known (a
    correlated pair of words, which the planner estimated at 1,900 and matched 17,900,
    cost 135 ms). Walking the newest tickets finds a common word's window in a few
    thousand rows; the probe bounds the walk for words that are common but not recent.
    """
    recent = (
        select(Ticket.id, Ticket.created_at, literal_column("tickets.search_vector").label("sv"))
        .where(*conditions)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(DENSE_PROBE_ROWS)
        .subquery("recent")
    )
    matching = text(f"recent.sv @@ {_TS_QUERY}").bindparams(
        bindparam("search", search, unique=True)
    )
    # No ORDER BY out here: a sort would read all DENSE_PROBE_ROWS first; the rows
    # stream newest first from the subquery's index scan and the walk stops at the
    # window's last match.
    found = list(session.scalars(select(recent.c.id).where(matching).limit(SEARCH_WINDOW)))
    return found if len(found) == SEARCH_WINDOW else None


def _custom_field_matches(name: str, field_type: str, value: Any, dialect: str) -> TextClause:
    """`custom_fields[name]` equals `value` (or, for multi_select, contains it). The name
    and the value are bound parameters (unique per clause, so several combine)."""
    if dialect == "postgresql":
        if field_type == "multi_select":
            clause = text("jsonb_exists(tickets.custom_fields -> :name, :value)")
        else:
            clause = text("tickets.custom_fields -> :name = CAST(:value AS jsonb)")
            value = json.dumps(value)
    elif field_type == "multi_select":
        clause = text(
            "EXISTS (SELECT 1 FROM json_each(tickets.custom_fields, '$.' || :name) "
            "WHERE json_each.value = :value)"
        )
    else:
        clause = text("json_extract(tickets.custom_fields, '$.' || :name) = :value")
        value = int(value) if isinstance(value, bool) else value  # json_extract gives 1/0
    return clause.bindparams(
        bindparam("name", name, unique=True), bindparam("value", value, unique=True)
    )


def after_position(position: Position) -> ColumnElement[bool]:
    return after_row(position.created_at, position.id)


def after_row(created_at: Any, ticket_id: Any) -> ColumnElement[bool]:
    """Newer-first order after the ticket (`created_at`, `ticket_id`): values or bound
    parameters. The row-value comparison spelled out, so both databases use the index."""
    return or_(
        Ticket.created_at < created_at,
        and_(Ticket.created_at == created_at, Ticket.id < ticket_id),
    )


def search_page(
    session: Session, tenant_id: uuid.UUID, filters: TicketFilters, *, limit: int, offset: int
) -> tuple[Sequence[Ticket], Count]:
    """A page of a search's ranked window, and how many tickets match.

    On PostgreSQL the planner's estimate of the matches (its statistics know how common
    each word is) picks the way to the window before any row is read: more than
    SEARCH_DENSE → walk the newest tickets (`_dense_window`), else the GIN index. The
    total is exact when the window holds every match, else counted exactly up to
    SEARCH_DENSE (after the window's read, so on warm pages), else the estimate. A dense
    search is never counted: that would read a thousand pages the page does not need.
    """
    assert filters.search is not None
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        total = count_matching(session, tenant_id, filters, exact_up_to=SEARCH_DENSE)
        conditions = matching_conditions(tenant_id, filters, dialect.name, search=False)
        few = total.value <= SQLITE_MATCHES_FIRST
        query = _ranked_by_search(conditions, filters.search, matches_first=few)
        page = (session.execute(query.limit(limit).offset(offset))).scalars().all()
        return page, total
    conditions = matching_conditions(tenant_id, filters, dialect.name, search=False)
    matching = select(Ticket.id).where(*conditions, _search_matches(filters.search, dialect.name))
    estimate = _planner_estimate(session, dialect, matching)
    dense = estimate > SEARCH_DENSE
    window = _dense_window(session, conditions, filters.search) if dense else None
    if window is None:
        newest = matching.order_by(Ticket.created_at.desc(), Ticket.id.desc())
        window = list(session.scalars(newest.limit(SEARCH_WINDOW)))
    ranked = _ranked_postgres(select(Ticket).where(Ticket.id.in_(window)), filters.search)
    page = (session.scalars(ranked.limit(limit).offset(offset))).all()
    if len(window) < SEARCH_WINDOW:
        total = Count(len(window), estimated=False)
    elif dense:
        total = Count(max(estimate, SEARCH_WINDOW), estimated=True)
    else:
        total = count_matching(session, tenant_id, filters, exact_up_to=SEARCH_DENSE)
    return page, total


@dataclass(frozen=True, slots=True)
class Count:
    value: int
    estimated: bool


def kept_count_query(dialect: str, tenant_id: uuid.UUID, filters: TicketFilters) -> RowQuery | None:
    """The count SQLite's triggers keep of the tenant's tickets that match `filters`
    (migration 0010; a row `tickets`, or none for a status no ticket has), where it
    keeps one: with no filter but the status. None otherwise, and on PostgreSQL."""
    if dialect == "postgresql" or filters != TicketFilters(status=filters.status):
        return None
    statement = _KEPT_COUNT if filters.status is None else _KEPT_STATUS_COUNT
    # Tenant ids are stored as 32 hex digits there.
    return RowQuery(statement, {"tenant_id": tenant_id.hex, "status": filters.status})


def count_matching(
    session: Session, tenant_id: uuid.UUID, filters: TicketFilters, *, exact_up_to: int
) -> Count:
    """How many tickets match. On PostgreSQL: exact up to `exact_up_to`, beyond it the
    planner's estimate (a full count of a million rows would cost more than the page).
    SQLite: always exact; with no filter but the status, from the counts its triggers
    keep (migration 0010)."""
    dialect = session.get_bind().dialect
    kept = kept_count_query(dialect.name, tenant_id, filters)
    if kept is not None:
        kept_total = session.connection().execute(kept.statement, kept.parameters)
        return Count(int(kept_total.scalar() or 0), estimated=False)
    conditions = matching_conditions(tenant_id, filters, dialect.name)
    if dialect.name != "postgresql":
        # No estimate to fall back on: count exactly, once.
        exact = select(func.count()).select_from(Ticket).where(*conditions)
        return Count(int((session.execute(exact)).scalar_one()), estimated=False)
    capped = select(literal(1)).select_from(Ticket).where(*conditions).limit(exact_up_to + 1)
    found = int((session.execute(select(func.count()).select_from(capped.subquery()))).scalar_one())
    if found <= exact_up_to:
        return Count(found, estimated=False)
    estimate = _planner_estimate(session, dialect, select(Ticket.id).where(*conditions))
    return Count(max(estimate, found), estimated=True)


def _planner_estimate(session: Session, dialect: Dialect, query: Select[Any]) -> int:
    compiled = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    # As driver SQL: the values are already rendered, and a ":30" in a search's words
    # must not be read as a bind parameter.
    plan = session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}").scalar_one()
    document = json.loads(plan) if isinstance(plan, str) else plan
    return int(document[0]["Plan"]["Plan Rows"])

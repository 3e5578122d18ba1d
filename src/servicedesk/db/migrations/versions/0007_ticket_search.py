"""Full-text search over a ticket's subject, description and notes.

PostgreSQL: a `tickets.search_vector` tsvector (subject weight A, description B, notes
C) kept by triggers, with a GIN index. SQLite: an FTS5 table `tickets_fts` (subject,
description, notes; porter stemming) kept by triggers, whose rowids come from
`ticket_search_ids` (a ticket's id is a UUID, and SQLite may renumber the rowids of a
table without an INTEGER PRIMARY KEY on VACUUM).

Neither is in the ORM models: the database keeps them in step with every write, in
the writing transaction, whatever the code path; `env.py` leaves them out of the
model comparison.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSTGRES_UP = [
    "ALTER TABLE tickets ADD COLUMN search_vector tsvector",
    """
    CREATE FUNCTION tickets_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('english', NEW.subject), 'A')
        || setweight(to_tsvector('english', NEW.description), 'B')
        || coalesce(
             (SELECT setweight(to_tsvector('english', string_agg(body, ' ')), 'C')
              FROM ticket_notes WHERE ticket_id = NEW.id),
             ''::tsvector);
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER tickets_search_vector BEFORE INSERT OR UPDATE OF subject, description
    ON tickets FOR EACH ROW EXECUTE FUNCTION tickets_search_vector()
    """,
    """
    CREATE FUNCTION ticket_notes_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE tickets
      SET search_vector = search_vector || setweight(to_tsvector('english', NEW.body), 'C')
      WHERE id = NEW.ticket_id;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER ticket_notes_search_vector AFTER INSERT ON ticket_notes
    FOR EACH ROW EXECUTE FUNCTION ticket_notes_search_vector()
    """,
    # Fires the trigger above for every existing ticket.
    "UPDATE tickets SET subject = subject",
    "CREATE INDEX ix_tickets_search ON tickets USING gin (search_vector)",
]
POSTGRES_DOWN = [
    "DROP TRIGGER ticket_notes_search_vector ON ticket_notes",
    "DROP FUNCTION ticket_notes_search_vector()",
    "DROP TRIGGER tickets_search_vector ON tickets",
    "DROP FUNCTION tickets_search_vector()",
    "DROP INDEX ix_tickets_search",
    "ALTER TABLE tickets DROP COLUMN search_vector",
]

SQLITE_UP = [
    """
    CREATE TABLE ticket_search_ids (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      ticket_id CHAR(32) NOT NULL UNIQUE
    )
    """,
    """
    CREATE VIRTUAL TABLE tickets_fts USING fts5(
      subject, description, notes, tokenize = 'porter unicode61'
    )
    """,
    """
    CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
      INSERT INTO ticket_search_ids (ticket_id) VALUES (new.id);
      INSERT INTO tickets_fts (rowid, subject, description, notes)
      VALUES (last_insert_rowid(), new.subject, new.description, '');
    END
    """,
    """
    CREATE TRIGGER tickets_fts_update AFTER UPDATE OF subject, description ON tickets
    BEGIN
      UPDATE tickets_fts SET subject = new.subject, description = new.description
      WHERE rowid = (SELECT id FROM ticket_search_ids WHERE ticket_id = new.id);
    END
    """,
    """
    CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
      DELETE FROM tickets_fts
      WHERE rowid = (SELECT id FROM ticket_search_ids WHERE ticket_id = old.id);
      DELETE FROM ticket_search_ids WHERE ticket_id = old.id;
    END
    """,
    """
    CREATE TRIGGER ticket_notes_fts_insert AFTER INSERT ON ticket_notes BEGIN
      UPDATE tickets_fts SET notes = notes || ' ' || new.body
      WHERE rowid = (SELECT id FROM ticket_search_ids WHERE ticket_id = new.ticket_id);
    END
    """,
    "INSERT INTO ticket_search_ids (ticket_id) SELECT id FROM tickets ORDER BY created_at",
    """
    INSERT INTO tickets_fts (rowid, subject, description, notes)
    SELECT s.id, t.subject, t.description,
           coalesce((SELECT group_concat(n.body, ' ') FROM ticket_notes n
                     WHERE n.ticket_id = t.id), '')
    FROM tickets t JOIN ticket_search_ids s ON s.ticket_id = t.id
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER ticket_notes_fts_insert",
    "DROP TRIGGER tickets_fts_delete",
    "DROP TRIGGER tickets_fts_update",
    "DROP TRIGGER tickets_fts_insert",
    "DROP TABLE tickets_fts",
    "DROP TABLE ticket_search_ids",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _run(POSTGRES_UP if postgres else SQLITE_UP)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _run(POSTGRES_DOWN if postgres else SQLITE_DOWN)

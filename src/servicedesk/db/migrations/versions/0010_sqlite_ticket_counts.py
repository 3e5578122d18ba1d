"""SQLite: how many tickets each tenant has in each status, kept by triggers.

A list's total counted row by row cost SQLite about 1.3 ms at 10,000 tickets, more
than the page itself. With these counts the total of an unfiltered list, or of one
filtered by status alone, is one indexed read. SQLite only: it has one writer at a time,
so the count rows add no waiting; on PostgreSQL every create of a tenant would queue on
its count row, and the planner's estimate serves large lists there
(`servicedesk.tickets.repository`). Outside the ORM models, like the search structures.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    """
    CREATE TABLE ticket_counts (
      tenant_id CHAR(32) NOT NULL,
      status VARCHAR(20) NOT NULL,
      tickets INTEGER NOT NULL,
      PRIMARY KEY (tenant_id, status)
    ) WITHOUT ROWID
    """,
    """
    INSERT INTO ticket_counts (tenant_id, status, tickets)
    SELECT tenant_id, status, count(*) FROM tickets GROUP BY tenant_id, status
    """,
    """
    CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets BEGIN
      INSERT INTO ticket_counts (tenant_id, status, tickets)
      VALUES (new.tenant_id, new.status, 1)
      ON CONFLICT (tenant_id, status) DO UPDATE SET tickets = tickets + 1;
    END
    """,
    """
    CREATE TRIGGER ticket_counts_update AFTER UPDATE OF status ON tickets
    WHEN old.status IS NOT new.status BEGIN
      UPDATE ticket_counts SET tickets = tickets - 1
      WHERE tenant_id = old.tenant_id AND status = old.status;
      INSERT INTO ticket_counts (tenant_id, status, tickets)
      VALUES (new.tenant_id, new.status, 1)
      ON CONFLICT (tenant_id, status) DO UPDATE SET tickets = tickets + 1;
    END
    """,
    """
    CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets BEGIN
      UPDATE ticket_counts SET tickets = tickets - 1
      WHERE tenant_id = old.tenant_id AND status = old.status;
    END
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER ticket_counts_delete",
    "DROP TRIGGER ticket_counts_update",
    "DROP TRIGGER ticket_counts_insert",
    "DROP TABLE ticket_counts",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)

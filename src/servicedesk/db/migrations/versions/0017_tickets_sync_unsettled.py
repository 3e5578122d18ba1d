"""Tickets whose mirror is pending or failed, indexed apart: the sync-state gauge of
/metrics counts them from this index alone.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSETTLED = sa.text("external_sync_status IN ('pending', 'failed')")


def upgrade() -> None:
    op.create_index(
        "ix_tickets_sync_unsettled",
        "tickets",
        ["external_sync_status", "tenant_id", "updated_at"],
        postgresql_where=UNSETTLED,
        sqlite_where=UNSETTLED,
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_sync_unsettled", table_name="tickets")

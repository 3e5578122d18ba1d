"""The write path: the tenant's configuration version (which also replaces triage's
knowledge revision), Idempotency-Key claims held across the provider call, and the
provider account a ticket is mirrored in.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("config_version", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resource_id", sa.String(length=64), nullable=True))
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_account", sa.String(length=200), nullable=True))
    with op.batch_alter_table("triage_settings", schema=None) as batch_op:
        batch_op.drop_column("knowledge_revision")


def downgrade() -> None:
    with op.batch_alter_table("triage_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("knowledge_revision", sa.Integer(), nullable=False, server_default="0")
        )
    # Not in batch mode: SQLite would copy the table and lose its full-text triggers
    # (migration 0007); both databases drop an unindexed column in place.
    op.execute("ALTER TABLE tickets DROP COLUMN external_account")
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.drop_column("resource_id")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("claim_token")
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("config_version")

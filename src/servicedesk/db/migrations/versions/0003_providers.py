"""ITSM provider connections, and the sync state of each ticket's mirror.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "provider_configs",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("domain", sa.String(length=100), nullable=False),
        sa.Column("agent_email", sa.String(length=320), nullable=True),
        sa.Column("default_requester_email", sa.String(length=320), nullable=True),
        sa.Column("credentials_encrypted", sa.Text(), nullable=False),
        sa.Column("inbound_token", sa.String(length=64), nullable=False),
        sa.Column("inbound_secret_hash", sa.String(length=64), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_provider_configs_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_provider_configs")),
        sa.UniqueConstraint("inbound_token", name=op.f("uq_provider_configs_inbound_token")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_sync_status", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("external_sync_error", sa.Text(), nullable=True))
        batch_op.create_index(
            "ix_tickets_tenant_external", ["tenant_id", "external_ticket_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_tenant_external")
        batch_op.drop_column("external_sync_error")
        batch_op.drop_column("external_sync_status")
    op.drop_table("provider_configs")

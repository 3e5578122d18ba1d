"""SLA policies, and the SLA a ticket carries: its public object, the clock behind it,
and the columns the list filters and sorts by.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "sla_policies",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("conditions", JSON, nullable=False),
        sa.Column("calendar", JSON, nullable=False),
        sa.Column("targets", JSON, nullable=False),
        sa.Column("pause_statuses", JSON, nullable=False),
        sa.Column("warn_at", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_sla_policies_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
    )
    op.create_index("ix_sla_policies_tenant_position", "sla_policies", ["tenant_id", "position"])
    # Plain ALTER TABLE, also on SQLite: a batch would copy the table and drop the
    # search and count triggers that live on it (0007, 0010).
    op.add_column("tickets", sa.Column("sla", JSON, nullable=True))
    op.add_column("tickets", sa.Column("sla_clock", JSON, nullable=True))
    op.add_column("tickets", sa.Column("sla_policy_id", sa.String(length=40), nullable=True))
    op.add_column("tickets", sa.Column("sla_due_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "tickets",
        sa.Column("sla_breached", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index("ix_tickets_tenant_sla_due", "tickets", ["tenant_id", "sla_due_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_tenant_sla_due", table_name="tickets")
    for name in ("sla_breached", "sla_due_at", "sla_policy_id", "sla_clock", "sla"):
        op.drop_column("tickets", name)
    op.drop_index("ix_sla_policies_tenant_position", table_name="sla_policies")
    op.drop_table("sla_policies")

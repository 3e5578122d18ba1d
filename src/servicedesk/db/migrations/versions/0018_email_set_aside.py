"""Polled messages the desk could not take as they are, kept whole and set aside; the
receiving MTAs whose Authentication-Results a tenant believes.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("email_settings") as batch:
        batch.add_column(
            sa.Column("authentication_hosts", JSON, nullable=False, server_default=sa.text("'[]'"))
        )
    op.create_table(
        "email_set_aside",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=True),
        sa.Column("sender", sa.String(length=320), nullable=True),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_email_set_aside_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_set_aside")),
    )
    op.create_index(
        "ix_email_set_aside_tenant_created", "email_set_aside", ["tenant_id", "created_at"]
    )


def downgrade() -> None:
    with op.batch_alter_table("email_settings") as batch:
        batch.drop_column("authentication_hosts")
    op.drop_index("ix_email_set_aside_tenant_created", table_name="email_set_aside")
    op.drop_table("email_set_aside")

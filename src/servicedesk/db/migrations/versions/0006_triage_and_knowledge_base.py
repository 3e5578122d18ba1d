"""Triage settings, tenant models, agents' feedback and the knowledge base.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_kb_articles_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_articles")),
    )
    with op.batch_alter_table("kb_articles", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kb_articles_tenant_created", ["tenant_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "triage_models",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("labels", JSON, nullable=False),
        sa.Column("n_train", sa.Integer(), nullable=False),
        sa.Column("sources", JSON, nullable=False),
        sa.Column("model", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_triage_models_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_models")),
        sa.UniqueConstraint(
            "tenant_id", "version", name=op.f("uq_triage_models_tenant_id_version")
        ),
    )
    op.create_table(
        "triage_settings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("categories", JSON, nullable=False),
        sa.Column("auto_routing", sa.Boolean(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("never_auto_resolve", JSON, nullable=False),
        sa.Column("engine", sa.String(length=10), nullable=False),
        sa.Column("active_model_version", sa.Integer(), nullable=True),
        sa.Column("knowledge_revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_triage_settings_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_triage_settings")),
    )
    op.create_table(
        "triage_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("previous_value", sa.Text(), nullable=True),
        sa.Column("agent_value", sa.Text(), nullable=True),
        sa.Column("ticket_text", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_triage_feedback_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_triage_feedback_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_feedback")),
    )
    with op.batch_alter_table("triage_feedback", schema=None) as batch_op:
        batch_op.create_index(
            "ix_triage_feedback_tenant_field", ["tenant_id", "field", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_triage_feedback_ticket_id"), ["ticket_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("triage_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triage_feedback_ticket_id"))
        batch_op.drop_index("ix_triage_feedback_tenant_field")

    op.drop_table("triage_feedback")
    op.drop_table("triage_settings")
    op.drop_table("triage_models")
    with op.batch_alter_table("kb_articles", schema=None) as batch_op:
        batch_op.drop_index("ix_kb_articles_tenant_created")

    op.drop_table("kb_articles")

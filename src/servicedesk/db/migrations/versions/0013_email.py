"""E-mail: a tenant's mail settings, the messages taken and sent, the subject tokens.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _tenant(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"],
        ["tenants.id"],
        name=op.f(f"fk_{table}_tenant_id_tenants"),
        ondelete="CASCADE",
    )


def _ticket(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["ticket_id"],
        ["tickets.id"],
        name=op.f(f"fk_{table}_ticket_id_tickets"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "email_settings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("addresses", JSON, nullable=False),
        sa.Column("from_address", sa.String(length=320), nullable=True),
        sa.Column("from_name", sa.String(length=100), nullable=True),
        sa.Column("send_replies", sa.Boolean(), nullable=False),
        sa.Column("acknowledge_new", sa.Boolean(), nullable=False),
        sa.Column("imap", JSON, nullable=True),
        sa.Column("imap_password_encrypted", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _tenant("email_settings"),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_email_settings")),
    )
    op.create_table(
        "email_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("note_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _tenant("email_messages"),
        _ticket("email_messages"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_messages")),
        sa.UniqueConstraint(
            "tenant_id", "message_id", name=op.f("uq_email_messages_tenant_id_message_id")
        ),
    )
    op.create_index(
        "ix_email_messages_ticket_created", "email_messages", ["ticket_id", "created_at"]
    )
    op.create_table(
        "email_threads",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("token", sa.String(length=16), nullable=False),
        _tenant("email_threads"),
        _ticket("email_threads"),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_email_threads")),
    )
    op.create_index("ix_email_threads_tenant_token", "email_threads", ["tenant_id", "token"])


def downgrade() -> None:
    op.drop_index("ix_email_threads_tenant_token", table_name="email_threads")
    op.drop_table("email_threads")
    op.drop_index("ix_email_messages_ticket_created", table_name="email_messages")
    op.drop_table("email_messages")
    op.drop_table("email_settings")

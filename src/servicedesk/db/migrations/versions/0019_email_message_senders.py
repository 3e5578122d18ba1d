"""Who wrote each message taken in: the sender's address as written, the display name,
and the Cc addresses.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("email_messages") as batch:
        batch.add_column(sa.Column("sender", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("sender_name", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("cc", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("email_messages") as batch:
        batch.drop_column("cc")
        batch.drop_column("sender_name")
        batch.drop_column("sender")

"""E-mail: a tenant's own mail templates.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.add_column("email_settings", sa.Column("templates", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("email_settings") as batch:
        batch.drop_column("templates")

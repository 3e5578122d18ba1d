"""Triage: descriptions of a tenant's categories, automatic retraining, and the feedback
each stored model was trained through.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.add_column("triage_settings", sa.Column("category_descriptions", JSON, nullable=True))
    op.add_column("triage_settings", sa.Column("retrain_every", sa.Integer(), nullable=True))
    op.add_column("triage_models", sa.Column("feedback_through", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("triage_models") as batch:
        batch.drop_column("feedback_through")
    with op.batch_alter_table("triage_settings") as batch:
        batch.drop_column("retrain_every")
        batch.drop_column("category_descriptions")

"""patent valuations

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 23:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patent_valuations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_no", sa.String(length=20), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("evaluator", sa.String(length=64), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("amount_10k_yuan", sa.Float(), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patent_valuations")),
    )
    op.create_index(op.f("ix_patent_valuations_app_no"), "patent_valuations", ["app_no"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_patent_valuations_app_no"), table_name="patent_valuations")
    op.drop_table("patent_valuations")

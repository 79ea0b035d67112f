"""cultivation centres

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 23:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cultivation_centres",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("lead", sa.String(length=200), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("industry", sa.String(length=200), nullable=False),
        sa.Column("approved_year", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cultivation_centres")),
        sa.UniqueConstraint("name", name=op.f("uq_cultivation_centres_name")),
    )
    op.create_index(op.f("ix_cultivation_centres_region_code"), "cultivation_centres", ["region_code"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_cultivation_centres_region_code"), table_name="cultivation_centres")
    op.drop_table("cultivation_centres")

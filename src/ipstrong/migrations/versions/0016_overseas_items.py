"""overseas information items

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 02:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "overseas_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("industry", sa.String(length=10), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.String(length=5000), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overseas_items")),
    )
    op.create_index(op.f("ix_overseas_items_country"), "overseas_items", ["country"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_overseas_items_country"), table_name="overseas_items")
    op.drop_table("overseas_items")

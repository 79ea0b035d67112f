"""pledge loans

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 23:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pledge_loans",
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("lent_10k_yuan", sa.Float(), nullable=False),
        sa.Column("lent_on", sa.Date(), nullable=False),
        sa.Column("reported_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"], name=op.f("fk_pledge_loans_matter_id_matters")),
        sa.PrimaryKeyConstraint("matter_id", name=op.f("pk_pledge_loans")),
    )


def downgrade() -> None:
    op.drop_table("pledge_loans")

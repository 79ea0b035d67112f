"""programme project budgets

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 23:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_budgets",
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("granted_10k_yuan", sa.Float(), nullable=False),
        sa.Column("spent_10k_yuan", sa.Float(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"], name=op.f("fk_project_budgets_matter_id_matters")),
        sa.PrimaryKeyConstraint("matter_id", name=op.f("pk_project_budgets")),
    )


def downgrade() -> None:
    op.drop_table("project_budgets")

"""award scores

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 23:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "award_scores",
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=30), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"], name=op.f("fk_award_scores_matter_id_matters")),
        sa.ForeignKeyConstraint(["expert_id"], ["users.id"], name=op.f("fk_award_scores_expert_id_users")),
        sa.PrimaryKeyConstraint("matter_id", "expert_id", "criterion", name=op.f("pk_award_scores")),
    )


def downgrade() -> None:
    op.drop_table("award_scores")

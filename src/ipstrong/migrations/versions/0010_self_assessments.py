"""GB/T 29490 self-assessments

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 23:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "self_assessments",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_self_assessments_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("organisation_id", "year", name=op.f("pk_self_assessments")),
    )


def downgrade() -> None:
    op.drop_table("self_assessments")

"""navigation industries and reports

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "navigation_industries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_navigation_industries")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_navigation_industries_name")),
    )
    op.create_index(op.f("ix_navigation_industries_name"), "navigation_industries", ["name"], unique=False)
    op.create_table(
        "navigation_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("industry_id", sa.Integer(), nullable=False),
        sa.Column("industry_name", sa.String(length=100), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("snapshot", sa.String(length=64), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("edits", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_navigation_reports")),
    )
    op.create_index(op.f("ix_navigation_reports_industry_id"), "navigation_reports", ["industry_id"], unique=False)
    op.create_index(op.f("ix_navigation_reports_industry_name"), "navigation_reports", ["industry_name"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_navigation_reports_industry_name"), table_name="navigation_reports")
    op.drop_index(op.f("ix_navigation_reports_industry_id"), table_name="navigation_reports")
    op.drop_table("navigation_reports")
    op.drop_index(op.f("ix_navigation_industries_name"), table_name="navigation_industries")
    op.drop_table("navigation_industries")

"""overseas information items, the experts' roster and their assignments

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
    op.create_table(
        "overseas_experts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overseas_experts")),
    )
    op.create_table(
        "expert_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("assigned_by", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_assignments")),
    )
    op.create_index(op.f("ix_expert_assignments_expert_id"), "expert_assignments", ["expert_id"], unique=False)
    op.create_index(op.f("ix_expert_assignments_matter_id"), "expert_assignments", ["matter_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_expert_assignments_matter_id"), table_name="expert_assignments")
    op.drop_index(op.f("ix_expert_assignments_expert_id"), table_name="expert_assignments")
    op.drop_table("expert_assignments")
    op.drop_table("overseas_experts")
    op.drop_index(op.f("ix_overseas_items_country"), table_name="overseas_items")
    op.drop_table("overseas_items")

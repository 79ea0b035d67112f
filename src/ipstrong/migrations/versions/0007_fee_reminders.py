"""fee reminders

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 20:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fee_reminders",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("app_no", sa.String(length=20), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount_yuan", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_fee_reminders_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", "app_no", "due_date", "kind", name=op.f("pk_fee_reminders")),
    )


def downgrade() -> None:
    op.drop_table("fee_reminders")

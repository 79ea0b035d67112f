"""service network

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 05:11:17.563286
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("agency_code", sa.String(length=5), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("agents", sa.Integer(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("cluster", sa.String(length=100), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("agency_code", name=op.f("uq_agencies_agency_code")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_agencies_credit_code")),
    )
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agencies_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_agencies_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_agencies_region_code"), ["region_code"], unique=False)

    op.create_table(
        "survey_invitations",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("city_code", sa.String(length=6), nullable=False),
        sa.Column("respondent", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_survey_invitations")),
    )
    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_invitations_year"), ["year"], unique=False)

    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("city_code", sa.String(length=6), nullable=False),
        sa.Column("respondent", sa.String(length=20), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_responses_year"), ["year"], unique=False)

    op.create_table(
        "carrier_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("posted_by", sa.String(length=64), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_carrier_needs_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carrier_needs")),
    )
    with op.batch_alter_table("carrier_needs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_carrier_needs_region_code"), ["region_code"], unique=False)

    op.create_table(
        "practitioners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("employer", sa.String(length=200), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("qualification", sa.String(length=30), nullable=False),
        sa.Column("education", sa.String(length=20), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_practitioners_agency_id_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practitioners")),
    )
    with op.batch_alter_table("practitioners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practitioners_employer"), ["employer"], unique=False)
        batch_op.create_index(batch_op.f("ix_practitioners_region_code"), ["region_code"], unique=False)

    op.create_table(
        "service_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("host_kind", sa.String(length=20), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("opened", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_service_points_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_points")),
        sa.UniqueConstraint("name", name=op.f("uq_service_points_name")),
    )
    with op.batch_alter_table("service_points", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_points_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_points_region_code"), ["region_code"], unique=False)

    op.create_table(
        "service_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("served", sa.String(length=200), nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["point_id"], ["service_points.id"], name=op.f("fk_service_records_point_id_service_points")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_records")),
    )
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_records_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_records_point_id"), ["point_id"], unique=False)

    op.create_table(
        "trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("course", sa.String(length=200), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["practitioner_id"], ["practitioners.id"], name=op.f("fk_trainings_practitioner_id_practitioners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainings")),
    )
    with op.batch_alter_table("trainings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trainings_practitioner_id"), ["practitioner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trainings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trainings_practitioner_id"))

    op.drop_table("trainings")
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_records_point_id"))
        batch_op.drop_index(batch_op.f("ix_service_records_day"))

    op.drop_table("service_records")
    with op.batch_alter_table("service_points", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_points_region_code"))
        batch_op.drop_index(batch_op.f("ix_service_points_kind"))

    op.drop_table("service_points")
    with op.batch_alter_table("practitioners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practitioners_region_code"))
        batch_op.drop_index(batch_op.f("ix_practitioners_employer"))

    op.drop_table("practitioners")
    with op.batch_alter_table("carrier_needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carrier_needs_region_code"))

    op.drop_table("carrier_needs")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_responses_year"))

    op.drop_table("survey_responses")
    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_invitations_year"))

    op.drop_table("survey_invitations")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agencies_region_code"))
        batch_op.drop_index(batch_op.f("ix_agencies_name"))
        batch_op.drop_index(batch_op.f("ix_agencies_kind"))

    op.drop_table("agencies")

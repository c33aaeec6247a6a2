"""the applicants' portal: 申请指南, online submissions awaiting confirmation, failed look-ups

Revision ID: 0024
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0024"
down_revision = "0020"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "agency_guides",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("how_to", _TEXT(length=4000), nullable=False),
        sa.Column("materials", _TEXT(length=4000), nullable=False),
        sa.Column("channels", _TEXT(length=2000), nullable=False),
        sa.Column("fees", _TEXT(length=2000), nullable=False),
        sa.Column("deadlines", _TEXT(length=2000), nullable=False),
        sa.Column("contact", _TEXT(length=1000), nullable=False),
        sa.Column("review_body", _TEXT(length=1000), nullable=False),
        sa.Column("court", _TEXT(length=1000), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("agency_id"),
    )
    op.create_table(
        "online_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("kind", _TEXT(length=16), nullable=False),
        sa.Column("tracking_number", _TEXT(length=32), nullable=False),
        sa.Column("query_code_hash", _TEXT(length=64), nullable=False),
        sa.Column("idempotency_key_hash", _TEXT(length=64), nullable=False),
        sa.Column("request_sha256", _TEXT(length=64), nullable=False),
        sa.Column("code_sealed", _TEXT(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", _TEXT(length=16), nullable=False),
        sa.Column("ip", _TEXT(length=64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("answer_kind", _TEXT(length=16), nullable=True),
        sa.Column("answer_message", _TEXT(length=2000), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tracking_number"),
        sa.UniqueConstraint("idempotency_key_hash"),
    )
    op.create_index(op.f("ix_online_submissions_agency_id"), "online_submissions", ["agency_id"])
    op.create_index(op.f("ix_online_submissions_status"), "online_submissions", ["status"])
    op.create_index(op.f("ix_online_submissions_ip"), "online_submissions", ["ip"])
    op.create_index(op.f("ix_online_submissions_submitted_at"), "online_submissions", ["submitted_at"])
    op.create_table(
        "portal_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ip", _TEXT(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_portal_failures_ip"), "portal_failures", ["ip"])
    op.create_index(op.f("ix_portal_failures_at"), "portal_failures", ["at"])
    # electronic service recorded by the system when the applicant first downloads a letter
    with op.batch_alter_table("service_records") as batch:
        batch.alter_column("recorded_by_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM service_records WHERE recorded_by_id IS NULL")
    with op.batch_alter_table("service_records") as batch:
        batch.alter_column("recorded_by_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("portal_failures")
    op.drop_table("online_submissions")
    op.drop_table("agency_guides")

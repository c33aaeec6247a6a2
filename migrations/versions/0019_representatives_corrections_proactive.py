"""representatives and joint applicants, art 41 correction requests, art 44 proactive-disclosure decisions

``applicant_details.representative`` (委托代理人 / 法定代理人, JSON or null) and ``co_applicants`` (共同申请人,
JSON list); ``applications.request_kind`` (disclosure | correction, 条例 art 41) and ``evidence``;
``proactive_disclosure_decisions`` (条例 art 44).

Revision ID: 0019
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("applicant_details") as batch:
        batch.add_column(sa.Column("representative", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("co_applicants", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("request_kind", _TEXT(length=16), nullable=False, server_default="disclosure"))
        batch.add_column(sa.Column("evidence", _TEXT(), nullable=False, server_default=""))
    op.create_table(
        "proactive_disclosure_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("key_application_id", sa.Integer(), nullable=False),
        sa.Column("subject", _TEXT(length=500), nullable=False),
        sa.Column("application_ids", sa.JSON(), nullable=False),
        sa.Column("decision", _TEXT(length=16), nullable=False),
        sa.Column("reasons", _TEXT(length=2000), nullable=False),
        sa.Column("where", _TEXT(length=500), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", _TEXT(length=100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["key_application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_proactive_disclosure_decisions_agency_id"), "proactive_disclosure_decisions",
                    ["agency_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_proactive_disclosure_decisions_agency_id"), table_name="proactive_disclosure_decisions")
    op.drop_table("proactive_disclosure_decisions")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("evidence")
        batch.drop_column("request_kind")
    with op.batch_alter_table("applicant_details") as batch:
        batch.drop_column("co_applicants")
        batch.drop_column("representative")

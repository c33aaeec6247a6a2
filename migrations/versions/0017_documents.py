"""documents of a case and their redactions (电子案卷)

``documents``: one row per uploaded file of an application (the bytes are in the blob store under
``sha256``); ``redactions``: the marks and grounds of a redacted copy, linking the original and the copy.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("kind", _TEXT(length=32), nullable=False),
        sa.Column("filename", _TEXT(length=255), nullable=False),
        sa.Column("media_type", _TEXT(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("sha256", _TEXT(length=64), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", _TEXT(length=16), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_reason", _TEXT(length=500), nullable=False),
        sa.Column("scan_verdict", _TEXT(length=200), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["replaces_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_documents_application_id"), "documents", ["application_id"])
    op.create_index(op.f("ix_documents_agency_id"), "documents", ["agency_id"])
    op.create_index(op.f("ix_documents_sha256"), "documents", ["sha256"])
    op.create_table(
        "redactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("original_id", sa.Integer(), nullable=False),
        sa.Column("redacted_id", sa.Integer(), nullable=True),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("boxes", sa.JSON(), nullable=False),
        sa.Column("dpi", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["original_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["redacted_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_redactions_application_id"), "redactions", ["application_id"])
    op.create_index(op.f("ix_redactions_agency_id"), "redactions", ["agency_id"])
    op.create_index(op.f("ix_redactions_original_id"), "redactions", ["original_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_redactions_original_id"), table_name="redactions")
    op.drop_index(op.f("ix_redactions_agency_id"), table_name="redactions")
    op.drop_index(op.f("ix_redactions_application_id"), table_name="redactions")
    op.drop_table("redactions")
    op.drop_index(op.f("ix_documents_sha256"), table_name="documents")
    op.drop_index(op.f("ix_documents_agency_id"), table_name="documents")
    op.drop_index(op.f("ix_documents_application_id"), table_name="documents")
    op.drop_table("documents")

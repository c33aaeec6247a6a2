"""archive packages: the manifest and its SHA-256 of every exported 归档包 (电子案卷)

Revision ID: 0021
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0021"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("manifest_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "manifest_sha256"),
    )
    op.create_index(op.f("ix_archive_packages_application_id"), "archive_packages", ["application_id"])
    op.create_index(op.f("ix_archive_packages_agency_id"), "archive_packages", ["agency_id"])
    op.create_index(op.f("ix_archive_packages_manifest_sha256"), "archive_packages", ["manifest_sha256"])


def downgrade() -> None:
    op.drop_index(op.f("ix_archive_packages_manifest_sha256"), table_name="archive_packages")
    op.drop_index(op.f("ix_archive_packages_agency_id"), table_name="archive_packages")
    op.drop_index(op.f("ix_archive_packages_application_id"), table_name="archive_packages")
    op.drop_table("archive_packages")

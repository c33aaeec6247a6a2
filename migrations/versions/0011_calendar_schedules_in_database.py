"""calendar schedules in the database

Imported working-day schedules were files under ``$OGI_DATA_DIR/calendars``: two API hosts on one
database could disagree on deadlines, and a restore on a new host changed them. They now live in
``calendar_schedules`` (one row per import; a re-import supersedes the current row and keeps it).
Files imported before this revision are loaded by ``ogi db upgrade`` (``ogi calendar migrate-files``),
not here: loading validates each file and recomputes deadlines, which is the engine's work.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

CURRENT = sa.text("superseded_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "calendar_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("region_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("content", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_by_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["imported_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("uq_calendar_schedules_current", "calendar_schedules", ["region", "year"], unique=True,
                    sqlite_where=CURRENT, postgresql_where=CURRENT)


def downgrade() -> None:
    op.drop_index("uq_calendar_schedules_current", table_name="calendar_schedules")
    op.drop_table("calendar_schedules")

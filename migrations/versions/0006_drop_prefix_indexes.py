"""drop indexes that a composite index already starts with

Every event updates its application's row (the status changes, so PostgreSQL cannot make it a HOT
update) and inserts an audit event: each index on those tables is one more entry written per event.
These three only repeat the first column of a composite index or unique key that serves the same
lookups.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

DROPPED = [  # (index, table, column) — covered by:
    ("ix_applications_agency_id", "applications", "agency_id"),  # ix_applications_agency_status_due …
    ("ix_events_application_id", "events", "application_id"),  # unique (application_id, seq)
    ("ix_letters_agency_id", "letters", "agency_id"),  # unique (agency_id, year, series, seq)
]


def upgrade() -> None:
    for index, table, _ in DROPPED:
        op.drop_index(index, table_name=table)


def downgrade() -> None:
    for index, table, column in DROPPED:
        op.create_index(index, table, [column], unique=False)

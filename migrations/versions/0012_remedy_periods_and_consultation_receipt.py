"""remedy periods on service records; a consultation before the party has the letter

The last day to apply for 行政复议 and to sue, recorded when the letter that decides an application is
served (engine/remedy_periods.py). Earlier service records keep NULL: the dates are recorded from now on.
A consultation is recorded when its letter is drafted; the party's receipt (and so its 15 working days)
is recorded when known.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service_records") as batch:
        batch.add_column(sa.Column("review_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("sue_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("remedy_provisional", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("consultations") as batch:
        batch.alter_column("party_received_on", existing_type=sa.Date(), nullable=True)
        batch.alter_column("reply_due", existing_type=sa.Date(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.alter_column("reply_due", existing_type=sa.Date(), nullable=False)
        batch.alter_column("party_received_on", existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table("service_records") as batch:
        batch.drop_column("remedy_provisional")
        batch.drop_column("sue_by")
        batch.drop_column("review_by")

"""remedy periods on service records

The last day to apply for 行政复议 and to sue, recorded when the letter that decides an application is
served (engine/remedy_periods.py). Earlier service records keep NULL: the dates are recorded from now on.

Revision ID: 0012
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service_records") as batch:
        batch.add_column(sa.Column("review_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("sue_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("remedy_provisional", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("service_records") as batch:
        batch.drop_column("remedy_provisional")
        batch.drop_column("sue_by")
        batch.drop_column("review_by")

"""the dispatch date of a served letter, and the day a fee's payment period runs from

``service_records.dispatched_on``: the day the letter was sent (交邮、发出), recorded with its service;
``fee_assessments.payment_period_from``: day 0 of the payment period — the service of the fee notice, or
its dispatch where the agency's rule says so (``AgencySettings.periods_from``). Rows before this
revision keep NULL: their period ran from the service (``notice_served_on``).

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service_records") as batch:
        batch.add_column(sa.Column("dispatched_on", sa.Date(), nullable=True))
    with op.batch_alter_table("fee_assessments") as batch:
        batch.add_column(sa.Column("payment_period_from", sa.Date(), nullable=True))
    op.execute("UPDATE fee_assessments SET payment_period_from = notice_served_on WHERE notice_served_on IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("fee_assessments") as batch:
        batch.drop_column("payment_period_from")
    with op.batch_alter_table("service_records") as batch:
        batch.drop_column("dispatched_on")

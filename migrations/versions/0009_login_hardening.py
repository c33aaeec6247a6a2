"""login hardening: where a login came from, workbench sessions, last use (idle timeout)

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing tokens: no address known (""), API tokens (no idle timeout), never used since the upgrade.
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ip", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("web", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("web")
        batch_op.drop_column("ip")

"""platform administrator flag on users; the append-only admin audit log

``users.platform_admin``: the deployment-wide administrator (agencies, calendar, every user). Existing
users get false: nobody becomes platform admin by upgrading; an operator names one with
``ogi user add … --platform-admin`` or ``ogi user platform-admin NAME``
(the token cache is per process: the flag applies to logins within seconds).

``admin_events``: one row per administrative change (grants, users, passwords, activation, agency
settings, calendar imports), written in the change's transaction.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("platform_admin", sa.Boolean(), nullable=False, server_default=sa.false()))

    op.create_table(
        "admin_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("action_label", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("ip", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_agent", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("admin_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admin_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_admin_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_admin_events_agency_id"), ["agency_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("admin_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admin_events_agency_id"))
        batch_op.drop_index(batch_op.f("ix_admin_events_action"))
        batch_op.drop_index(batch_op.f("ix_admin_events_at"))
    op.drop_table("admin_events")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("platform_admin")

"""the admin audit log is append-only in the database too

Like the audit trail of applications (0010): triggers refuse every UPDATE and DELETE of ``admin_events``
(PostgreSQL: a plpgsql function; SQLite: RAISE(ABORT)). The application role needs only INSERT and
SELECT on it (docs/deployment.md).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

REFUSAL = "管理日志只能追加，不能修改或删除"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
CREATE FUNCTION ogi_admin_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'integrity_constraint_violation';
END $$""")
        op.execute("CREATE TRIGGER admin_events_append_only BEFORE UPDATE OR DELETE ON admin_events "
                   "FOR EACH ROW EXECUTE FUNCTION ogi_admin_events_append_only()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER admin_events_no_{verb.lower()} BEFORE {verb} ON admin_events "
                       f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS admin_events_append_only ON admin_events")
        op.execute("DROP FUNCTION IF EXISTS ogi_admin_events_append_only()")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS admin_events_no_{verb}")

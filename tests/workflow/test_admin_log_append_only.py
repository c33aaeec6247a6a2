"""The admin audit log (role grants, password resets, settings, calendar imports) is append-only in the
database: a database user cannot rewrite or delete what an administrator did."""

import pytest
from sqlalchemy import text

from engine.actors import Actor
from engine.admin_audit import record_admin_event
from engine.db import new_session


@pytest.mark.parametrize("statement", [
    "UPDATE admin_events SET actor_name = '别人'",
    "DELETE FROM admin_events",
])
def test_admin_events_cannot_be_rewritten_or_deleted(db, statement):
    with new_session(db) as s:
        record_admin_event(s, Actor(None, "命令行（测试）", frozenset()), "calendar_import", agency_id=None,
                           target="2027年放假安排（national）", details={})
        s.commit()
    with db.connect() as conn, pytest.raises(Exception) as exc:
        conn.execute(text(statement))
        conn.commit()
    assert "管理日志只能追加" in str(exc.value)
    with db.connect() as conn:
        assert conn.execute(text("SELECT actor_name FROM admin_events")).scalars().all() == ["命令行（测试）"]

"""``ogi demo``: every state, overdue and paused applications, and a clean ``ogi check``."""

from datetime import date

from sqlmodel import Session, select

from engine.check import run_checks
from engine.demo import create_demo
from engine.models import Application
from engine.states import STATES
from letters.hooks import LetterDesk


def test_demo_covers_every_state(sqlite_db, registry):
    today = date(2026, 11, 20)
    passwords = create_demo(lambda: Session(sqlite_db, expire_on_commit=False), registry, LetterDesk(), today,
                            password="demo-password-1")
    assert set(passwords) >= {"clerk1", "head1", "secrecy1", "legal1", "supervisor1", "admin", "platform1"}
    with Session(sqlite_db) as s:
        from engine.models import RoleGrant, User

        platform = s.exec(select(User).where(User.username == "platform1")).one()  # the platform admin: no agency grant
        assert platform.platform_admin and not s.exec(select(RoleGrant).where(RoleGrant.user_id == platform.id)).all()
        apps = s.exec(select(Application)).all()
        assert 28 <= len(apps) <= 40
        assert {a.status for a in apps} == set(STATES)
        open_ = [a for a in apps if a.status not in ("replied", "closed", "archived")]
        assert any(a.due_date and a.due_date < today for a in open_)  # overdue
        assert any(a.clock_state == "paused" for a in open_)
        assert any(a.extension_days for a in open_)
        assert run_checks(s, registry, today) == []

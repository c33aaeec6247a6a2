"""How transactions end. Anything written is rolled back on an error; a transaction that wrote nothing
ends with COMMIT instead, which the database treats the same — and which lets psycopg keep the
connection's prepared statements (a ROLLBACK makes it discard them all)."""

import pytest
from sqlalchemy import create_engine, event, text
from sqlmodel import Session, func, select

from engine.db import begin_write, end_transaction, new_session
from engine.errors import Conflict, Refused
from engine.models import Agency, Event

from .test_happy_paths import to_handling
from .world import D, build_world


def endings(engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "commit", lambda conn: seen.append("commit"))
    event.listen(engine, "rollback", lambda conn: seen.append("rollback"))
    return seen


def agencies(engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Agency)).one()


def test_a_read_ends_with_commit(db):
    seen = endings(db)
    with Session(db) as s:
        s.exec(select(Agency)).all()
        end_transaction(s)
    assert seen == ["commit"]


@pytest.mark.parametrize("write", ["flushed", "pending", "raw_sql", "core"])
def test_anything_written_is_rolled_back(db, write):
    before = agencies(db)
    seen = endings(db)
    with Session(db) as s:
        s.exec(select(Agency)).all()
        if write == "flushed":
            s.add(Agency(code="X1", name="甲"))
            s.flush()
        elif write == "pending":
            s.add(Agency(code="X2", name="乙"))
        elif write == "raw_sql":
            s.connection().exec_driver_sql("INSERT INTO agencies (code, name, region, review_body, court, address, "
                                           "contact, settings) VALUES ('X3', '丙', 'national', '', '', '', '', '{}')")
        else:
            s.execute(text("DELETE FROM agencies"))
        end_transaction(s)
    assert seen[-1] == "rollback"
    assert agencies(db) == before


def test_an_engine_not_made_here_always_rolls_back(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    seen = endings(engine)
    with Session(engine) as s:
        s.execute(text("SELECT 1"))
        end_transaction(s)
    assert seen == ["rollback"]


def test_closing_a_request_session_discards_unfinished_work(db, monkeypatch):
    import engine.db as db_module

    monkeypatch.setattr(db_module, "get_engine", lambda url=None: db)
    before = agencies(db)
    with new_session() as s:
        s.add(Agency(code="X4", name="丁"))
        s.flush()
    assert agencies(db) == before


def test_begin_write_keeps_nothing_of_a_failed_write(db):
    before = agencies(db)
    with Session(db) as s:
        with pytest.raises(Refused):
            with begin_write(s):
                s.add(Agency(code="X5", name="戊"))
                s.flush()
                raise Refused("不能办理")
    assert agencies(db) == before


def test_refused_and_conflicting_events_leave_nothing_and_end_cleanly(db, registry):
    from engine import workflow

    from .world import LETTERS

    w = build_world(db, registry)
    app_id = w.register()
    to_handling(w, app_id)
    clerk = w.actor("clerk")
    seen = endings(db)
    with Session(db, expire_on_commit=False) as s:
        with pytest.raises(Refused):  # wrong state: refused before anything is written
            workflow.fire(s, clerk, app_id, "start_review", {}, today=D("2026-03-03"), registry=registry, letters=LETTERS)
        with pytest.raises(Conflict):
            workflow.fire(s, clerk, app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "x"}},
                          expected_version=1, today=D("2026-03-03"), registry=registry, letters=LETTERS)
        end_transaction(s)
    assert "rollback" not in seen and seen.count("commit") >= 2
    assert [e.name for e in w.events(app_id)] == ["register", "start_review", "accept"]
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "x"}})
    assert w.app(app_id).status == "reply_drafting"


def test_prepared_statements_survive_a_refused_event_on_postgres(pg_db, registry):
    """One connection: after a 409 the statements the event used are still prepared on the server."""
    from engine import workflow
    from engine.db import make_engine

    from .world import LETTERS

    engine = make_engine(pg_db.url.render_as_string(hide_password=False), pool_size=1, max_overflow=0,
                         connect_args={"prepare_threshold": 0})
    w = build_world(engine, registry)
    ids = [w.register() for _ in range(2)]
    for app_id in ids:
        to_handling(w, app_id)
    clerk = w.actor("clerk")
    decide = {"outcome": "needs_creation", "details": {"reasons": "x"}}

    def prepared(s) -> int:
        n = s.exec(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one()
        end_transaction(s)
        return n

    with Session(engine, expire_on_commit=False) as s:
        workflow.fire(s, clerk, ids[0], "decide", decide, today=D("2026-03-05"), registry=registry, letters=LETTERS)
        before = prepared(s)
        with pytest.raises(Conflict):
            workflow.fire(s, clerk, ids[1], "decide", decide, expected_version=1, today=D("2026-03-05"),
                          registry=registry, letters=LETTERS)
        assert before >= 4 and prepared(s) >= before
    engine.dispose()


def test_a_day_in_the_life_still_checks_clean(db, registry):
    from engine.check import run_checks

    w = build_world(db, registry)
    app_id = w.register()
    to_handling(w, app_id)
    with pytest.raises(Refused):
        w.fire("clerk", app_id, "accept")
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "x"}})
    with Session(db) as s:
        assert s.exec(select(func.count()).select_from(Event).where(Event.application_id == app_id)).one() == 4
        assert run_checks(s, registry, D("2026-03-05")) == []

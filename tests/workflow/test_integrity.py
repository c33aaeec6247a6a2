"""Races, crashes and the invariant check."""

import threading
from contextlib import contextmanager

import pytest
from sqlmodel import Session, delete, func, select, update

from engine import workflow
from engine.check import run_checks
from engine.errors import Conflict, Refused
from engine.models import Application, Event, Letter

from .tampering import tampering
from .test_happy_paths import to_handling
from .world import D, LETTERS, FakeLetters, build_world


def test_twenty_threads_one_winner_on_postgres(pg_db, registry):
    w = build_world(pg_db, registry)
    app_id = w.register()
    to_handling(w, app_id)
    version = w.app(app_id).version
    actor = w.actor("clerk")
    barrier = threading.Barrier(20)
    results: list[str] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        inputs = {"outcome": "needs_creation", "details": {"reasons": f"线程{i}"}}
        barrier.wait()
        try:
            with Session(pg_db, expire_on_commit=False) as s:
                workflow.fire(s, actor, app_id, "decide", inputs, expected_version=version, today=D("2026-03-05"),
                              registry=registry, letters=LETTERS)
            outcome = "ok"
        except Conflict:
            outcome = "conflict"
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1 and results.count("conflict") == 19
    decided = [e for e in w.events(app_id) if e.name == "decide"]
    assert len(decided) == 1
    with w.session() as s:
        drafts = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "reply")).all()
        assert len(drafts) == 1
        assert run_checks(s, registry, D("2026-03-05")) == []


def test_concurrent_registrations_get_distinct_numbers(db, registry):
    w = build_world(db, registry)
    numbers: list[str] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            for _ in range(5):
                app_id = w.register()
                with lock:
                    numbers.append(w.app(app_id).number)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [f"DEMO-2026-{n:05d}" for n in range(1, 31)]  # unique and without gaps


def test_error_before_commit_leaves_no_trace(db, registry):
    w = build_world(db, registry)
    app_id = w.register()
    to_handling(w, app_id)
    before = w.app(app_id)

    def boom(case):
        assert case.app.status == "reply_drafting"  # the change was applied in the transaction…
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "x"}},
               before_commit=boom)
    after = w.app(app_id)  # …and rolled back with everything else
    assert (after.status, after.version, after.outcome) == (before.status, before.version, None)
    assert [e.name for e in w.events(app_id)] == ["register", "start_review", "accept"]
    with w.session() as s:
        assert s.exec(select(func.count()).select_from(Letter)).one() == 0
        assert run_checks(s, registry, D("2026-03-05")) == []
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "x"}})
    assert w.app(app_id).status == "reply_drafting"


def test_error_in_sign_off_keeps_the_number_unused(db, registry):
    w = build_world(db, registry)
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "x"}})

    class BrokenRender(FakeLetters):
        def render(self, agency, letter):
            raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError):
        w.fire("head", app_id, "sign_off", letters=BrokenRender())
    w.fire("head", app_id, "sign_off")
    with w.session() as s:
        letter = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.status == "issued")).one()
    assert letter.number == "DEMO公开〔2026〕1号"  # the failed attempt used no number


def test_check_finds_tampering(db, registry):
    w = build_world(db, registry)
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "x"}})
    w.fire("head", app_id, "sign_off")
    with w.session() as s:
        assert run_checks(s, registry, D("2026-03-05")) == []
    with tampering(db) as conn:  # the issued letter's triggers are out of the way (tampering.py)
        conn.execute(update(Application).where(Application.id == app_id).values(status="handling"))
        conn.execute(update(Letter).where(Letter.status == "issued").values(pdf=b"%PDF forged"))
        conn.execute(update(Application).where(Application.id == app_id).values(extension_days=5))
    with w.session() as s:
        problems = [str(v) for v in run_checks(s, registry, D("2026-03-05"))]
    assert any("重放得到状态 replied，记录为 handling" in p for p in problems)
    assert any("可能被篡改" in p for p in problems)
    assert any("extension_days" in p for p in problems)
    assert any("缓存的期限" in p for p in problems)


def test_deleted_event_is_found(db, registry):
    w = build_world(db, registry)
    app_id = w.register()
    to_handling(w, app_id)
    with tampering(db) as conn:  # events are append-only: only a privileged path deletes one
        conn.execute(delete(Event).where(Event.application_id == app_id, Event.seq == 2))
    with w.session() as s:
        problems = [str(v) for v in run_checks(s, registry, D("2026-03-05"))]
    assert any("序号不连续" in p for p in problems) and any("版本号" in p for p in problems)


def test_refused_event_in_the_wrong_state_after_a_winner(db, registry):
    w = build_world(db, registry)
    app_id = w.register()
    w.fire("clerk", app_id, "start_review")
    with pytest.raises(Refused):
        w.fire("clerk2", app_id, "start_review")


@contextmanager
def application_updates(db):
    """The UPDATE statements of ``applications`` sent while inside (on PostgreSQL the pipeline's sits
    inside WITH … INSERT INTO events)."""
    from sqlalchemy import event as sa_event

    updates: list[str] = []

    def seen(_conn, _cursor, statement, *_args):  # noqa: ANN001
        if "UPDATE APPLICATIONS" in statement.upper():
            updates.append(statement)

    sa_event.listen(db, "before_cursor_execute", seen)
    try:
        yield updates
    finally:
        sa_event.remove(db, "before_cursor_execute", seen)


def test_an_event_writes_the_application_once_and_leaves_the_session_clean(db, registry):
    """The pipeline writes the application itself (one UPDATE … WHERE version = <as read>, with the audit
    INSERT in the same statement on PostgreSQL) and marks the object committed; a SQLAlchemy upgrade that
    changed that bookkeeping would show here as a second UPDATE from the closing flush, or as an object
    still pending."""
    from sqlalchemy import inspect

    w = build_world(db, registry)
    app_id = w.register()
    to_handling(w, app_id)
    with application_updates(db) as updates, w.session() as s:
        result = workflow.fire(s, w.actor("clerk"), app_id, "request_extension", {"days": 5, "reason": "需调取档案"},
                               today=D("2026-03-05"), registry=registry, letters=LETTERS)
        app = result.application
        assert not s.dirty and not inspect(app).modified
        assert (app.version, app.extension_requested_days) == (4, 5)
    assert len(updates) == 1
    stored = w.app(app_id)
    assert (stored.version, stored.extension_requested_days, stored.extension_reason) == (4, 5, "需调取档案")
    assert stored.updated_at is not None and [e.seq for e in w.events(app_id)] == [1, 2, 3, 4]


def test_a_decision_that_drafts_its_reply_writes_the_application_once(db, registry):
    """Drafting a letter inserts it at once (its id goes into the audit event) without flushing the
    application's changes made before: the row is written by the pipeline's compare-and-set only."""
    from sqlalchemy import inspect

    w = build_world(db, registry)
    app_id = w.register()
    to_handling(w, app_id)
    with application_updates(db) as updates, w.session() as s:
        result = workflow.fire(s, w.actor("clerk"), app_id, "decide",
                               {"outcome": "needs_creation", "details": {"reasons": "需另行加工"}},
                               today=D("2026-03-05"), registry=registry, letters=LETTERS)
        drafted = result.event.changes["_related"]["letters_drafted"]
        assert not s.dirty and not s.new and not any(inspect(x).modified for x in result.letters)
        assert [x.id for x in result.letters if x.status == "draft"] == [d["id"] for d in drafted]
    assert len(updates) == 1
    with w.session() as s:
        letter = s.get(Letter, drafted[0]["id"])
        assert (letter.application_id, letter.type, letter.outcome, letter.status) == (app_id, "reply", "needs_creation", "draft")
    assert w.app(app_id).outcome == "needs_creation"


def test_the_written_application_is_clean_before_the_closing_flush(db, registry):
    """After the compare-and-set the application counts as written (``as_written``, public SQLAlchemy
    calls only): the closing flush has nothing of it to compare (the restructured path lost ~0.5 M
    instructions per event there), and a rollback still puts back what the database holds."""
    from sqlalchemy import inspect

    from engine.unit_of_work import as_written

    w = build_world(db, registry)
    app_id = w.register()
    with w.session() as s:
        app = s.get(Application, app_id)
        app.request_text = "已写入的值"
        assert inspect(app).modified
        as_written(s, app)
        assert app in s and not s.dirty and not inspect(app).modified
        assert s.get(Application, app_id) is app and app.request_text == "已写入的值"
        s.rollback()
        assert app.request_text != "已写入的值"  # expired by the rollback, read again from the row
    seen = []
    with w.session() as s:
        def before_commit(case):
            seen.append((case.app in s, bool(s.dirty), inspect(case.app).modified))

        workflow.fire(s, w.actor("clerk"), app_id, "start_review", {}, today=D("2026-03-05"), registry=registry,
                      letters=LETTERS, before_commit=before_commit)
    assert seen == [(True, False, False)]

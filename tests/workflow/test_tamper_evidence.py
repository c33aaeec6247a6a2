"""Tamper evidence: the hash chain over the audit trail, issued letters bound into it, the append-only
triggers, and what ``ogi check`` finds when a privileged database user rewrites or deletes rows."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from engine.audit_chain import event_hash, genesis, letter_content_hash
from engine.check import run_checks
from engine.models import Application, Event, Letter

from .tampering import tampering
from .test_happy_paths import to_handling
from .world import D, build_world

TODAY = D("2026-03-20")


def replied_with_void_and_reissue(w) -> tuple[int, int, int]:
    """An application whose reply was signed, voided and issued again: (application, voided, issued)."""
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需另行加工"}})
    w.fire("head", app_id, "sign_off")
    voided = _letters(w, app_id)[0].id
    w.fire("head", app_id, "void_letter", {"letter_id": voided, "reason": "地址写错"})
    w.fire("clerk", app_id, "reissue_letter", {"letter_id": voided})
    draft = [x for x in _letters(w, app_id) if x.status == "draft"][0].id
    w.fire("head", app_id, "issue_letter", {"letter_id": draft})
    return app_id, voided, draft


def _letters(w, app_id) -> list[Letter]:
    with w.session() as s:
        return list(s.exec(select(Letter).where(Letter.application_id == app_id).order_by(Letter.id)).all())


def problems(w) -> list[str]:
    with w.session() as s:
        return [str(v) for v in run_checks(s, w.registry, TODAY)]


@pytest.fixture
def world(db, registry):
    w = build_world(db, registry)
    w.app_id, w.voided, w.issued = replied_with_void_and_reissue(w)
    w.other_app = w.register()
    assert problems(w) == []
    return w


def test_each_event_is_chained_to_its_predecessor_and_the_application_holds_the_head(world):
    events = world.events(world.app_id)
    prev = genesis(world.app_id)
    for e in events:
        assert e.prev_hash == prev and e.hash == event_hash(e, prev)
        prev = e.hash
    assert world.app(world.app_id).events_head == prev


def test_an_issued_letter_is_bound_into_the_chain(world):
    letter = [x for x in _letters(world, world.app_id) if x.id == world.issued][0]
    issuing = [e for e in world.events(world.app_id) if e.name == "issue_letter"][-1]
    assert letter.chain_head == issuing.prev_hash
    assert letter.content_sha256 == letter_content_hash(letter)
    assert issuing.changes["_related"]["issued"] == {"id": letter.id, "number": letter.number,
                                                     "content_sha256": letter.content_sha256}


# -- the database refuses -------------------------------------------------------------------------------


def test_the_database_refuses_to_update_or_delete_an_event(world):
    for stmt in (update(Event).where(Event.application_id == world.app_id).values(reason="改写"),
                 delete(Event).where(Event.application_id == world.app_id)):
        with world.session() as s, pytest.raises(DBAPIError, match="审计事件只能追加"):
            s.exec(stmt)
            s.commit()
    assert len(world.events(world.app_id)) == world.app(world.app_id).version


@pytest.mark.parametrize("which", ["issued", "voided"])
def test_the_database_refuses_to_change_or_delete_a_frozen_letter(world, which):
    letter_id = getattr(world, which)
    for stmt in (update(Letter).where(Letter.id == letter_id).values(data={"forged": True}),
                 update(Letter).where(Letter.id == letter_id).values(status="draft"),
                 delete(Letter).where(Letter.id == letter_id)):
        with world.session() as s, pytest.raises(DBAPIError, match="已印发或已作废的文书不能修改或删除"):
            s.exec(stmt)
            s.commit()
    assert problems(world) == []


# -- what ogi check finds -------------------------------------------------------------------------------

LATER = datetime(2026, 3, 21, 8, 0, tzinfo=timezone.utc)

EVENT_TAMPERING = {  # column → (new value (callable on the world), what check says)
    "id": (lambda w: 10**6, "内部编号"),
    "application_id": (lambda w: w.other_app, "审计链"),
    "agency_id": (lambda w: w.other_agency_id, "内容与其哈希不符"),
    "seq": (lambda w: 99, "序号不连续"),
    "name": (lambda w: "accept", "内容与其哈希不符"),
    "from_state": (lambda w: "reviewing", "内容与其哈希不符"),
    "to_state": (lambda w: "reply_drafting", "内容与其哈希不符"),
    "actor_id": (lambda w: w.users["head2"], "内容与其哈希不符"),
    "actor_name": (lambda w: "王五", "内容与其哈希不符"),
    "role": (lambda w: "head", "内容与其哈希不符"),
    "at": (lambda w: LATER, "内容与其哈希不符"),
    "effective_date": (lambda w: "2026-01-01", "内容与其哈希不符"),
    "inputs": (lambda w: {"handling_clerk_id": w.users["clerk2"]}, "内容与其哈希不符"),
    "changes": (lambda w: {}, "内容与其哈希不符"),
    "reason": (lambda w: "事后补写的理由", "内容与其哈希不符"),
    "prev_hash": (lambda w: "0" * 64, "不衔接"),
    "hash": (lambda w: "0" * 64, "内容与其哈希不符"),
}


def test_every_column_of_events_is_covered():
    assert set(EVENT_TAMPERING) == {c.name for c in Event.__table__.columns}


@pytest.mark.parametrize("column", sorted(EVENT_TAMPERING))
def test_check_finds_a_rewritten_event_column(world, column):
    value, said = EVENT_TAMPERING[column]
    with tampering(world.engine) as conn:
        conn.execute(update(Event).where(Event.application_id == world.app_id, Event.seq == 2)
                     .values({column: value(world)}))
    found = problems(world)
    assert any(said in p for p in found), found
    assert any("[审计链]" in p or "[事件编号]" in p for p in found), found


LETTER_TAMPERING = {  # column → (new value, what check says); on the issued letter unless said
    "id": (lambda w: 10**6, "没有对应的印发审计事件"),
    "application_id": (lambda w: w.other_app, "冻结内容"),
    "agency_id": (lambda w: w.other_agency_id, "冻结内容"),
    "type": (lambda w: "acknowledgement", "冻结内容"),
    "outcome": (lambda w: "provide", "冻结内容"),
    "status": (lambda w: "void", "状态或作废记录"),
    "addressee": (lambda w: "李四", "冻结内容"),
    "data": (lambda w: {"decision": {"outcome": "provide"}}, "冻结内容"),
    "drafted_by_id": (lambda w: w.users["clerk2"], "冻结内容"),
    "created_at": (lambda w: LATER, "冻结内容"),
    "series": (lambda w: "改", "冻结内容"),
    "year": (lambda w: 2025, "冻结内容"),
    "seq": (lambda w: 7, "冻结内容"),
    "number": (lambda w: "DEMO公开〔2026〕7号", "与印发事件记录的文号"),
    "issued_on": (lambda w: date(2026, 3, 4), "冻结内容"),
    "issued_at": (lambda w: LATER, "冻结内容"),
    "signer_id": (lambda w: w.users["head2"], "冻结内容"),
    "template_version": (lambda w: "forged", "冻结内容"),
    "pdf_sha256": (lambda w: "0" * 64, "冻结内容"),
    "pdf": (lambda w: b"%PDF forged", "PDF 与其 SHA-256 不符"),
    "chain_head": (lambda w: "0" * 64, "冻结内容"),
    "content_sha256": (lambda w: "0" * 64, "冻结内容"),
    "void_reason": (lambda w: "改写的原因", "状态或作废记录"),
    "voided_at": (lambda w: LATER, "状态或作废记录"),
}


def test_every_column_of_letters_is_covered():
    assert set(LETTER_TAMPERING) == {c.name for c in Letter.__table__.columns}


VOIDED_TAMPERING = {  # the fields a void writes, on the voided letter
    "status": (lambda w: "issued", "状态或作废记录"),
    "void_reason": LETTER_TAMPERING["void_reason"],
    "voided_at": LETTER_TAMPERING["voided_at"],
}


@pytest.mark.parametrize("which, column", [("issued", c) for c in sorted(LETTER_TAMPERING)]
                         + [("voided", c) for c in sorted(VOIDED_TAMPERING)])
def test_check_finds_a_rewritten_letter_column(world, column, which):
    value, said = (VOIDED_TAMPERING if which == "voided" else LETTER_TAMPERING)[column]
    with tampering(world.engine) as conn:
        conn.execute(update(Letter).where(Letter.id == getattr(world, which)).values({column: value(world)}))
    found = problems(world)
    assert any(said in p for p in found), found
    assert any("[文书完整性]" in p for p in found), found


def test_check_finds_a_pdf_swapped_together_with_its_hash(world):
    import hashlib

    forged = b"%PDF-1.7 forged reply"
    with tampering(world.engine) as conn:
        conn.execute(update(Letter).where(Letter.id == world.issued)
                     .values(pdf=forged, pdf_sha256=hashlib.sha256(forged).hexdigest()))
    found = problems(world)
    assert not any("PDF 与其 SHA-256 不符" in p for p in found)  # the pair agrees…
    assert any("冻结内容" in p and "内容哈希不符" in p for p in found), found  # …the frozen content does not


def test_check_finds_a_letter_rewritten_together_with_its_content_hash(world):
    with tampering(world.engine) as conn:
        letter = conn.execute(select(Letter).where(Letter.id == world.issued)).one()
        data = {**letter.data, "number": "DEMO公开〔2026〕9号"}
        forged = {**letter._mapping, "data": data, "number": "DEMO公开〔2026〕9号"}
        conn.execute(update(Letter).where(Letter.id == world.issued)
                     .values(data=data, number=forged["number"], content_sha256=letter_content_hash(forged)))
    found = problems(world)
    assert any("与印发事件记录的文号 DEMO公开〔2026〕2号 不符" in p for p in found), found
    assert any("印发事件（第" in p and "记录的不符" in p for p in found), found


def test_check_finds_a_deleted_last_event(world):
    last = world.app(world.app_id).version
    with tampering(world.engine) as conn:
        conn.execute(delete(Event).where(Event.application_id == world.app_id, Event.seq == last))
    found = problems(world)
    assert any("审计链末端与最后一个审计事件不符" in p for p in found), found
    assert any("版本号" in p for p in found), found


def test_check_finds_a_deleted_last_event_with_the_application_rolled_back(world):
    """The deleter also sets the version back: the stored chain head still names the deleted event."""
    last = world.app(world.app_id).version
    with tampering(world.engine) as conn:
        conn.execute(delete(Event).where(Event.application_id == world.app_id, Event.seq == last))
        conn.execute(update(Application).where(Application.id == world.app_id).values(version=last - 1))
    found = problems(world)
    assert any("审计链末端与最后一个审计事件不符" in p for p in found), found


def test_check_finds_a_deleted_middle_event(world):
    with tampering(world.engine) as conn:
        conn.execute(delete(Event).where(Event.application_id == world.app_id, Event.seq == 3))
    found = problems(world)
    assert any("第4个事件“作出答复决定”与前一事件的哈希不衔接" in p for p in found), found


def test_check_finds_a_deleted_application_by_its_orphans(world):
    """With foreign keys on, neither database lets the application row go while its events exist;
    a privileged user with them off leaves the events and letters orphaned."""
    with world.session() as s, pytest.raises(DBAPIError):
        s.exec(delete(Application).where(Application.id == world.other_app))
        s.commit()
    with tampering(world.engine) as conn:
        conn.execute(delete(Application).where(Application.id == world.app_id))
    found = problems(world)
    assert any(f"存在审计事件，但其申请（内部编号 {world.app_id}）不存在" in p for p in found), found
    assert any(f"存在文书，但其申请（内部编号 {world.app_id}）不存在" in p for p in found), found


def test_check_finds_an_application_deleted_with_everything_it_had(world):
    """Events, letters and the application all gone: the agency's tracking numbers have a gap."""
    with tampering(world.engine) as conn:
        for model in (Event, Letter):
            conn.execute(delete(model).where(model.application_id == world.other_app))
        conn.execute(delete(Application).where(Application.id == world.other_app))
    found = problems(world)
    assert any("已分配申请编号 2 个，现存申请 1 件" in p for p in found), found


def test_check_finds_an_edited_application(world):
    with tampering(world.engine) as conn:
        conn.execute(update(Application).where(Application.id == world.app_id).values(request_text="改写的申请内容"))
    assert any("字段 request_text 重放值" in p for p in problems(world))

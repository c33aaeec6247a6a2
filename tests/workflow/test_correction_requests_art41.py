"""条例 art 41: a request to correct government information about the applicant — its own outcomes
(corrected / not this agency's to correct / refused), its own reply letter, and its report row."""

import pytest
from sqlmodel import select

from engine.errors import InputError
from engine.models import Letter
from engine.outcomes import CORRECTION_OUTCOMES, REPORT_ROWS, report_row
from engine.reports.annual import annual_report
from letters.render import render_html
from letters.samples import OUTCOME_DETAILS

from .test_happy_paths import sign_and_serve, to_handling
from .world import build_world

TEXT = "请更正本局信息系统中本人的从业资格证取得日期（记录为2019年5月8日，实为2018年5月8日）"


def correction_request(w, **more) -> int:
    return w.register(request_kind="correction", request_text=TEXT, evidence="从业资格证复印件", **more)


def reply_of(w, app_id) -> Letter:
    with w.session() as s:
        return s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "reply")
                      .order_by(Letter.id.desc())).first()


@pytest.mark.parametrize("outcome", sorted(CORRECTION_OUTCOMES))
def test_art41_correction_request_answered_with_its_own_outcome_and_letter(db, registry, outcome):
    """Art 41: the agency corrects and tells the applicant; or, not its to correct, forwards it to / names
    the competent agency; or refuses with reasons — in a 政府信息更正申请答复书 with the remedies."""
    w = build_world(db, registry)
    app_id = correction_request(w)
    assert w.app(app_id).request_kind == "correction"
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": outcome, "details": OUTCOME_DETAILS[outcome]}, today="2026-03-13")
    assert w.app(app_id).status == "reply_drafting"  # nothing is released: no secrecy review
    reply = reply_of(w, app_id)
    assert reply.data["title"] == "政府信息更正申请答复书"
    html = render_html(reply.data, reply.addressee, letter_type="reply", outcome=outcome)
    assert "政府信息更正申请答复书" in html and "第四十一条" in html and "行政复议" in html
    assert "提出的政府信息更正申请收悉。你（单位）要求更正的内容为" in html
    if outcome == "correction_not_ours":
        assert "转送有权更正的示例市公安局交通警察支队（联系方式：010-12345000）处理，特此告知。" in html
    sign_and_serve(w, app_id)
    assert w.app(app_id).outcome == outcome


def test_art41_correction_not_ours_without_forwarding_tells_where_to_apply(db, registry):
    w = build_world(db, registry)
    app_id = correction_request(w)
    to_handling(w, app_id)
    details = {**OUTCOME_DETAILS["correction_not_ours"], "forwarded_on": None}
    w.fire("clerk", app_id, "decide", {"outcome": "correction_not_ours", "details": details}, today="2026-03-13")
    reply = reply_of(w, app_id)
    html = render_html(reply.data, reply.addressee, letter_type="reply", outcome="correction_not_ours")
    assert "告知你（单位）向有权更正的示例市公安局交通警察支队（联系方式：010-12345000）提出。" in html


def test_art41_outcomes_only_answer_correction_requests_and_vice_versa(db, registry):
    w = build_world(db, registry)
    correction, disclosure = correction_request(w), w.register()
    for app_id in (correction, disclosure):
        to_handling(w, app_id)
    with pytest.raises(InputError) as err:
        w.fire("clerk", correction, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}})
    assert "更正申请" in str(err.value)
    with pytest.raises(InputError) as err:
        w.fire("clerk", disclosure, "decide", {"outcome": "correction_refused", "details": {"reasons": "无证据"}})
    assert "只用于更正申请" in str(err.value)


def test_art41_request_needs_its_evidence(db, registry):
    """Art 41: the applicant 有证据证明 the record is inaccurate — the evidence is recorded."""
    w = build_world(db, registry)
    with pytest.raises(InputError) as err:
        w.register(request_kind="correction", request_text=TEXT)
    assert "第四十一条" in str(err.value)


def test_art41_counted_in_other_handling_for_want_of_a_national_row(db, registry):
    """The national table 三 (国办公开办函〔2021〕30号) has no row for art 41 requests: they are counted in
    （六）其他处理 3.其他, and the year's check 一 + 二 = 三（七） + 四 holds."""
    assert all(report_row(o) == "3.6.3" for o in CORRECTION_OUTCOMES)
    assert "更正" not in "".join(REPORT_ROWS.values())
    w = build_world(db, registry)
    app_id = correction_request(w)
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "correction_refused",
                                       "details": OUTCOME_DETAILS["correction_refused"]}, today="2026-03-13")
    sign_and_serve(w, app_id)
    with w.session() as s:
        report = annual_report(s, [w.agency_id], 2026).as_dict()
    assert report["check_ok"]
    rows = {r["row"]: r["values"] for r in report["table3"]}
    assert rows["3.6.3"]["natural"] == 1 and rows["1"]["natural"] == 1
    assert any("第四十一条" in d and "3.其他" in d for d in report["definitions"])  # said so in the report


def test_art41_acknowledgement_speaks_of_a_correction_request(db, registry):
    w = build_world(db, registry, acknowledgement_letter=True)
    app_id = correction_request(w)
    with w.session() as s:
        ack = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "acknowledgement")).one()
    html = render_html(ack.data, ack.addressee, letter_type="acknowledgement", outcome=None)
    assert "政府信息更正申请登记回执" in html and "提出的政府信息更正申请收悉" in html
    assert "要求更正的内容为" in html and "第四十一条" in html and "第三十三条" not in html

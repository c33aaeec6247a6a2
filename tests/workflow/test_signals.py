"""Registration signals: possible repeats (rapidfuzz) and the applicant's count this month; editing a draft."""

import pytest
from sqlmodel import select

from engine import workflow
from engine.errors import Refused
from engine.models import Letter

from .test_happy_paths import to_handling
from .world import D, build_world, register_inputs


def test_possible_repeat_and_month_count(db, registry):
    w = build_world(db, registry)
    first = w.register(request_text="请公开2025年本局行政许可事项办理情况统计表")
    w.register(request_text="请公开本市公交票价调整听证材料")
    with w.session() as s:
        _, signals = workflow.register(s, w.actor("clerk"), w.agency_id,
                                       register_inputs(request_text="请公开本局2025年行政许可事项办理情况的统计表"),
                                       today=D("2026-03-02"), registry=w.registry)
    assert signals["month_count"] == 3
    assert [r["id"] for r in signals["possible_repeats"]] == [first]
    assert signals["possible_repeats"][0]["similarity"] >= 80


def test_clerk_edits_data_fields_of_a_draft_only(db, registry):
    w = build_world(db, registry)
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}})
    with w.session() as s:
        letter = s.exec(select(Letter).where(Letter.application_id == app_id)).one()
    w.fire("clerk", app_id, "edit_letter", {"letter_id": letter.id, "request_summary": "2025年许可统计<b>",
                                            "details": {"reasons": "需对多年原始记录汇总分析"}})
    with w.session() as s:
        letter = s.get(Letter, letter.id)
    assert letter.data["request_summary"] == "2025年许可统计<b>"
    assert letter.data["decision"]["details"]["reasons"] == "需对多年原始记录汇总分析"
    w.fire("head", app_id, "sign_off")
    with pytest.raises(Refused, match="已印发的文书不能修改"):
        w.fire("clerk", app_id, "edit_letter", {"letter_id": letter.id, "request_summary": "x"})


def _register_other(w, text="请公开本市空气质量监测数据"):
    with w.session() as s:
        app, signals = workflow.register(s, w.actor("other_clerk"), w.other_agency_id,
                                         register_inputs(request_text=text),
                                         today=D("2026-03-02"), registry=w.registry)
        return app.id, signals


@pytest.mark.parametrize("scope, position", [("agency", 1), ("all", 3)])
def test_fee_count_scope_counts_the_same_identity_across_agencies_only_when_set(db, registry, scope, position):
    """Rule: fee_count_scope "all" counts the same identity document at every agency (the position only);
    "agency" counts the agency's own record."""
    from engine.case_repository import load_case

    w = build_world(db, registry, fee_count_scope=scope)
    _register_other(w)
    _register_other(w, "请公开本市噪声监测数据")
    app_id = w.register()
    with w.session() as s:
        case = load_case(s, app_id)
        assert case.history.applicant_month_position(case.opts.fee_count_scope) == position


def test_registration_signals_never_count_another_agencys_applications(db, registry):
    """Rule: the clerk's signals stay within the agency, whatever the fee count scope."""
    w = build_world(db, registry, fee_count_scope="all")
    first = w.register()
    with w.session() as s:
        _, signals = workflow.register(s, w.actor("clerk"), w.agency_id, register_inputs(), today=D("2026-03-02"),
                                       registry=w.registry)
    assert signals["month_count"] == 2 and [r["id"] for r in signals["possible_repeats"]] == [first]
    _, theirs = _register_other(w, register_inputs()["request_text"])
    assert theirs == {"possible_repeats": [], "month_count": 1}

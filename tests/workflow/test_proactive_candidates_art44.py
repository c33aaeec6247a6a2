"""条例 art 44: subjects requested repeatedly by different applicants are listed for the agency as
candidates for proactive disclosure, with the applications behind each; the head records a decision
(converted / not, with reasons, who, when), audited in the admin log."""

import pytest
from sqlmodel import select

from engine import proactive
from engine.errors import Forbidden, InputError, NotFound
from engine.models import AdminEvent, ProactiveDisclosureDecision

from .world import APPLICANT, D, build_world

IDS = ["110101199001011114", "110101197505052228", "110101198001015671", "110101201001011237"]
TEXT = "请公开2025年本市出租汽车经营权配置结果及配置方式"


def asked_by(w, n: int, text: str = TEXT, day: str = "2026-03-02") -> list[int]:
    return [w.register(today=day, channel_facts={"mail_received": day}, request_text=text,
                       applicant={**APPLICANT, "name": f"申请人{i}", "id_number": IDS[i]}) for i in range(n)]


def test_art44_subject_requested_by_three_applicants_is_a_candidate_with_its_applications(db, registry):
    w = build_world(db, registry)
    ids = asked_by(w, 3)
    w.register(today="2026-03-02", request_text="请公开本局2024年政府采购合同")  # asked once: not a candidate
    w.register(today="2026-03-03", channel_facts={"mail_received": "2026-03-03"},  # the same applicant again
               request_text=TEXT + "（2025年度）", applicant={**APPLICANT, "id_number": IDS[0], "name": "申请人0"})
    with w.session() as s:
        found = proactive.candidates(s, w.actor("clerk"), w.agency_id, D("2026-03-10"))
    assert len(found) == 1
    (c,) = found
    assert c["key"] == ids[0] and c["applicants"] == 3 and len(c["applications"]) == 4
    assert c["subject"] == TEXT and c["decision"] is None


def test_art44_two_applicants_or_a_year_ago_are_not_candidates(db, registry):
    w = build_world(db, registry)
    asked_by(w, 2)
    with w.session() as s:
        assert proactive.candidates(s, w.actor("head"), w.agency_id, D("2026-03-10")) == []
    asked_by(w, 3, "请公开本局2024年行政处罚案件统计", day="2025-01-06")
    with w.session() as s:
        assert proactive.candidates(s, w.actor("head"), w.agency_id, D("2026-03-10")) == []


def test_art44_head_records_a_decision_with_reasons_audited(db, registry):
    """The decision (who, when, why, where published) is kept and written to the admin audit log; a
    later application on the subject shows as new since the decision."""
    w = build_world(db, registry)
    ids = asked_by(w, 3)
    with w.session() as s:
        with pytest.raises(Forbidden):
            proactive.record_decision(s, w.actor("clerk"), w.agency_id, ids[0], "convert", "公众关注", "门户网站",
                                      today=D("2026-03-10"))
        with pytest.raises(InputError):
            proactive.record_decision(s, w.actor("head"), w.agency_id, ids[0], "convert", "公众关注", "",
                                      today=D("2026-03-10"))  # where it is published
        with pytest.raises(InputError):
            proactive.record_decision(s, w.actor("head"), w.agency_id, ids[0], "decline", " ", today=D("2026-03-10"))
        with pytest.raises(NotFound):
            proactive.record_decision(s, w.actor("head"), w.agency_id, ids[1], "decline", "x", today=D("2026-03-10"))
        proactive.record_decision(s, w.actor("head"), w.agency_id, ids[0], "convert", "多名申请人关注，属于应主动公开的配置结果",
                                  "本局门户网站“法定主动公开内容—出租汽车”栏目", today=D("2026-03-10"))
    with w.session() as s:
        row = s.exec(select(ProactiveDisclosureDecision)).one()
        audit = s.exec(select(AdminEvent).where(AdminEvent.action == "proactive_disclosure_decision")).one()
    assert row.decision == "convert" and row.decided_by_name == "head" and sorted(row.application_ids) == sorted(ids)
    assert audit.agency_id == w.agency_id and audit.details["decision"] == "convert" and audit.actor_id == w.users["head"]
    later = w.register(today="2026-03-11", channel_facts={"mail_received": "2026-03-11"}, request_text=TEXT,
                       applicant={**APPLICANT, "name": "申请人3", "id_number": IDS[3]})
    with w.session() as s:
        (c,) = proactive.candidates(s, w.actor("legal"), w.agency_id, D("2026-03-12"))
    assert c["decision"]["decision_label"] == "转为主动公开"
    assert [a["id"] for a in c["applications"] if a["new_since_decision"]] == [later]


def test_art44_another_agencys_user_sees_nothing(db, registry):
    w = build_world(db, registry)
    ids = asked_by(w, 3)
    with w.session() as s:
        with pytest.raises(NotFound):
            proactive.candidates(s, w.actor("other_clerk"), w.agency_id, D("2026-03-10"))
        with pytest.raises(NotFound):
            proactive.record_decision(s, w.actor("other_head"), w.agency_id, ids[0], "decline", "x",
                                      today=D("2026-03-10"))
        with pytest.raises(Forbidden):  # the supervisor reads cases, not this list
            proactive.candidates(s, w.actor("supervisor"), w.agency_id, D("2026-03-10"))

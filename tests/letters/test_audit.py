"""Each audit check fires on a letter built to break it and passes on a correct one."""

import copy

import pytest
from sqlmodel import Session, select

from engine.models import Application, Letter
from letters.audit import (
    audit_case,
    blocking_failures,
    check_basis,
    check_details,
    check_on_time,
    check_remedy,
    check_required,
    check_tamper,
)
from engine.case_repository import full_case
from letters.samples import build_samples


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return build_samples(tmp_path_factory.mktemp("audit"))


def case_of(world, letter):
    w, _ = world
    with Session(w.engine) as s:
        return full_case(s, letter.application_id)


def broken(letter, **changes):
    x = Letter.model_validate(letter.model_dump())
    x.data = copy.deepcopy(letter.data)
    for path, value in changes.items():
        target = x.data
        keys = path.split("__")
        for k in keys[:-1]:
            target = target[k]
        if value is None:
            target.pop(keys[-1], None)
        else:
            target[keys[-1]] = value
    return x


def test_correct_letters_pass_every_blocking_check(world):
    _, letters = world
    for key, letter in letters.items():
        findings = audit_case(case_of(world, letter), world[0].registry)
        assert blocking_failures(findings) == [], (key, [f.message for f in blocking_failures(findings)])


def test_required_elements(world):
    letter = world[1]["reply/provide"]
    assert check_required(letter).ok
    f = check_required(broken(letter, number=None, issue_date=None, application__request_text=""))
    assert not f.ok and f.severity == "blocking"
    assert "文号" in f.message and "成文日期" in f.message and "申请内容" in f.message


def test_basis_must_match_the_outcome(world):
    letter = world[1]["reply/withhold"]
    assert check_basis(letter).ok
    f = check_basis(broken(letter, decision__basis="《中华人民共和国政府信息公开条例》第三十六条第（四）项"))
    assert not f.ok and "第三十六条第（三）项" in f.message
    f = check_basis(broken(letter, decision__ground_basis="《中华人民共和国政府信息公开条例》第十五条"))
    assert not f.ok and "第十六条第二款" in f.message
    not_exist = world[1]["reply/not_exist"]
    f = check_basis(broken(not_exist, decision__basis="《中华人民共和国政府信息公开条例》第三十八条"))
    assert not f.ok and "第三十六条第（四）项" in f.message


def test_details_required_by_the_outcome(world):
    letters = world[1]
    assert check_details(letters["reply/withhold"]).ok
    assert "不予公开须说明理由" in check_details(broken(letters["reply/withhold"], decision__details__reasons="")).message
    f = check_details(broken(letters["reply/not_exist"], decision__details__keywords=""))
    assert not f.ok and "检索关键词" in f.message
    f = check_details(broken(letters["reply/not_our_agency"], decision__details__responsible_agency=""))
    assert not f.ok and "负责机关" in f.message
    unknown = broken(letters["reply/not_our_agency"], decision__details__responsible_agency="",
                     decision__details__reasons="经核查，负责公开该信息的行政机关无法确定")
    assert check_details(unknown).ok


def test_remedy_paragraph(world):
    letters = world[1]
    assert check_remedy(letters["reply/provide"]).ok and check_remedy(letters["reply/withhold"]).ok
    f = check_remedy(broken(letters["reply/provide"], agency__court=""))
    assert not f.ok and "管辖法院" in f.message
    f = check_remedy(broken(letters["reply/provide"], agency__review_body=""))
    assert not f.ok and "行政复议机关" in f.message
    f = check_remedy(broken(letters["reply/withhold"], decision__review_first=False))
    assert not f.ok and "复议前置" in f.message
    f = check_remedy(broken(letters["reply/provide"], decision__review_first=True))
    assert not f.ok


def test_on_time_warning(world):
    letter = world[1]["reply/provide"]
    case = case_of(world, letter)
    assert check_on_time(letter, case, world[0].registry).ok
    late = broken(letter, due_date="2026-03-10", issue_date="2026-03-18")
    f = check_on_time(late, case, world[0].registry)
    assert not f.ok and f.severity == "warning" and "逾期6个工作日" in f.message


def test_tamper_check(world):
    letter = world[1]["reply/provide"]
    assert check_tamper(letter).ok
    forged = broken(letter)
    forged.pdf = letter.pdf + b"%"
    f = check_tamper(forged)
    assert not f.ok and f.severity == "blocking" and "篡改" in f.message


def test_procedure_checks_on_the_consultation_case(world):
    w, letters = world
    case = case_of(world, letters["fee_notice"])
    by = {f.check: f for f in audit_case(case, w.registry) if f.letter_id is None}
    assert by["third_party"].ok and by["fee"].ok and by["extension"].ok and by["correction"].ok
    assert not by["service"].ok and "未登记送达" in by["service"].message  # nothing served in the samples
    # remove the override notice and the fee approval: both warnings fire
    case.records["letters"] = [x for x in case.letters() if x.type != "third_party_disclosure_notice"]
    case.app.outcome = "partial"
    for fee in case.fees():
        fee.approved_on = None
    by = {f.check: f for f in audit_case(case, w.registry) if f.letter_id is None}
    assert not by["third_party"].ok and "未书面告知第三方" in by["third_party"].message
    assert not by["fee"].ok and "核准之前" in by["fee"].message


def test_extension_and_correction_warnings(world):
    w, letters = world
    case = case_of(world, letters["fee_notice"])
    for e in case.history.trail:
        if e.name == "extend":
            e.role = "clerk"
            e.changes = {**e.changes, "_related": {"extension": {"days": 25, "requested_by": e.actor_id,
                                                                 "old_due": "2026-01-01"}}}
    f = next(x for x in audit_case(case, w.registry) if x.check == "extension")
    assert not f.ok
    for needle in ("未经负责人批准", "申请人本人批准", "原期限2026-01-01前", "超过20个"):
        assert needle in f.message
    corr = case_of(world, letters["correction_notice"])
    corr.history.trail += [e for e in corr.history.trail if e.name == "request_correction"]
    f = next(x for x in audit_case(corr, w.registry) if x.check == "correction")
    assert not f.ok and "超过一次" in f.message


def test_sign_off_is_blocked_by_a_real_blocking_finding(tmp_path):
    from engine.errors import Refused
    from letters.samples import OUTCOME_DETAILS, SampleWorld

    w = SampleWorld(tmp_path)
    with Session(w.engine) as s:
        from engine.models import Agency

        ag = s.get(Agency, w.agency_id)
        ag.court = ""
        s.add(ag)
        s.commit()
    app_id = w.register("2026-03-05", "请公开2025年统计数据")
    w.fire("clerk", app_id, "start_review", today="2026-03-06")
    w.fire("clerk", app_id, "accept", today="2026-03-06")
    w.fire("clerk", app_id, "decide", {"outcome": "not_exist", "details": OUTCOME_DETAILS["not_exist"]}, today="2026-03-10")
    with pytest.raises(Refused) as exc:
        w.fire("head", app_id, "sign_off", today="2026-03-11")
    assert "管辖法院" in str(exc.value)
    with Session(w.engine) as s:
        assert s.exec(select(Letter).where(Letter.application_id == app_id, Letter.status == "issued")).first() is None

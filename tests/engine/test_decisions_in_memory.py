"""Guards and decisions without a database: a ``Case`` built in memory, the decision's ``Change``
inspected as data. Each runs in milliseconds."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from calendars import CalendarRegistry
from engine.actors import Actor
from engine.case import Act, Case, StaticHistory
from engine.errors import InputError, Refused
from engine.models import Agency, ApplicantDetails, Application, Consultation, FeeAssessment, Letter, ServiceRecord
from engine.services import closing, consultation, correction, decision, extension, fees, letter_records
from engine.services.catalog import EVENTS
from engine.workflow import admit

REGISTRY = CalendarRegistry()
D = date.fromisoformat


def actor(user_id: int, *roles: str) -> Actor:
    return Actor(user_id=user_id, name=f"u{user_id}", grants=frozenset((1, r) for r in roles))


def case(status: str = "handling", **fields) -> Case:
    app = Application(id=7, agency_id=1, number="DEMO-2026-00007", applicant_id=1, channel="email",
                      channel_facts={}, received_date=D("2026-03-02"), request_text="请公开统计", form_wanted="electronic",
                      delivery_wanted="email", status=status, version=3, **fields)
    agency = Agency(id=1, code="DEMO", name="示例局", region="national", competent_department_id=2)
    return Case(app, agency, ApplicantDetails(application_id=7, kind="natural", name="张三"), StaticHistory(),
                records={"consultations": [], "fees": [], "letters": [], "service_records": [], "review_cases": []})


def act(who: Actor, role: str, today: str = "2026-03-05") -> Act:
    return Act(who, role, D(today), datetime(2026, 3, 5, tzinfo=timezone.utc), REGISTRY)


CLERK, HEAD = actor(1, "clerk"), actor(2, "head")


def test_propose_fee_guard_refuses_after_payment_109_hao():
    """国办函〔2020〕109号: one fee per application — a paid fee is not proposed again (the guard, so the
    workbench never offers it)."""
    c = case()
    c.records["fees"] = [FeeAssessment(id=1, application_id=7, agency_id=1, method="per_volume", units=300,
                                       amount_fen=4700, status="paid", proposed_by_id=1, proposed_on=D("2026-03-03"))]
    with pytest.raises(Refused, match="已缴费"):
        fees.no_fee_yet(c, act(CLERK, "clerk"))


def test_propose_fee_computes_the_amount_109_hao():
    c = case()
    change = fees.propose_fee(c, fees.ProposeFeeIn(method="per_volume", pages=300), act(CLERK, "clerk"))
    (fee,) = change.new
    assert fee.amount_fen > 0 and fee.proposed_by_id == 1 and fee.status == "proposed"
    assert change.app == {} and not change.letters


def test_the_proposer_cannot_approve_the_fee():
    c = case("awaiting_fee_approval")
    c.agency.settings = {"fee_approval_by_supervisor": False}
    c.records["fees"] = [FeeAssessment(id=1, application_id=7, agency_id=1, method="per_volume", units=300,
                                       amount_fen=4700, status="proposed", proposed_by_id=2, proposed_on=D("2026-03-03"))]
    with pytest.raises(Refused, match="不能核准自己的收费"):
        fees.can_approve(c, act(HEAD, "head"))


def test_correction_is_requested_once_art_30():
    """条例第三十条: 补正 is asked once — a case whose family was already asked is refused by the guard."""
    c = case("reviewing")
    c.history = StaticHistory(family_corrected=True)
    with pytest.raises(Refused, match="一次性告知"):
        correction.correction_allowed(c, act(CLERK, "clerk"))


def test_correction_notice_within_seven_working_days_art_30():
    c = case("reviewing")
    with pytest.raises(Refused, match="7个工作日"):
        correction.correction_allowed(c, act(CLERK, "clerk", "2026-03-20"))
    change = correction.request_correction(c, correction.RequestCorrectionIn(items=["文件名称"]), act(CLERK, "clerk"))
    assert change.app["correction_requested_on"] == D("2026-03-05")
    assert [d.type for d in change.letters] == ["correction_notice"]


def test_decide_releasing_goes_to_the_secrecy_review_art_17():
    c = case()
    data = decision.DecideIn(outcome="partial", details={"provided": "统计表", "ground": "third_party",
                                                         "reasons": "商业秘密", "attachments": ["表.pdf"]})
    change = decision.decide(c, data, act(CLERK, "clerk"))
    assert change.flags["releases_information"] is True
    assert change.app["outcome"] == "partial" and change.app["decided_by_id"] == 1
    assert [d.type for d in change.letters] == ["reply"]


PROVIDE = {"provision_form": "电子", "provision_method": "邮件", "provision_channel": "邮箱", "provision_time": "即日",
           "attachments": ["表.pdf"]}


def objecting_case(status: str = "handling") -> Case:
    c = case(status)
    c.records["consultations"] = [Consultation(id=3, application_id=7, kind="third_party", party="某公司",
                                               status="closed", result="objection", reply_reasons="商业秘密")]
    return c


def test_decide_over_an_objection_drafts_the_disclosure_notice_art_32():
    c = objecting_case()
    data = decision.DecideIn(outcome="provide", details={**PROVIDE, "public_interest_reasons": "涉及公共资源配置"})
    change = decision.decide(c, data, act(CLERK, "clerk"))
    assert [d.type for d in change.letters] == ["reply", "third_party_disclosure_notice"]
    notice = change.letters[1].extra
    assert notice["public_interest_reasons"] == "涉及公共资源配置" and notice["consultation_id"] == 3
    assert notice["disclosed"] == "表.pdf" and notice["objection"] == "商业秘密"


def test_disclosing_over_an_objection_requires_public_interest_reasons_art_32():
    """条例第三十二条: 第三方不同意公开的，不公开可能对公共利益造成重大影响的，方可决定公开 — the reasons are
    recorded with the decision, or the decision is refused."""
    c = objecting_case()
    with pytest.raises(InputError, match="公共利益造成重大影响的理由") as exc:
        decision.decide(c, decision.DecideIn(outcome="provide", details=PROVIDE), act(CLERK, "clerk"))
    assert exc.value.field == "details.public_interest_reasons"
    partial = {"provided": "配置数量", "withheld_parts": [{"part": "会议记录", "ground": "process_info", "reasons": "过程稿"}],
               "attachments": ["表.pdf"]}
    with pytest.raises(InputError, match="公共利益"):  # withholding something else does not answer the objection
        decision.decide(c, decision.DecideIn(outcome="partial", details=partial), act(CLERK, "clerk"))


def test_partial_withholding_exactly_the_objected_part_drafts_no_override_notice_art_32():
    """条例第三十二条、第三十七条: a 部分公开 that withholds what the third party objected to overrides nothing —
    no public-interest reasons are needed and no 公开决定告知书 is drafted."""
    c = objecting_case()
    details = {"provided": "配置数量", "attachments": ["表.pdf"], "objections_withheld": ["3"],
               "withheld_parts": [{"part": "企业报价", "ground": "third_party", "reasons": "商业秘密"}]}
    change = decision.decide(c, decision.DecideIn(outcome="partial", details=details), act(CLERK, "clerk"))
    assert [d.type for d in change.letters] == ["reply"]
    by_name = {**details, "objections_withheld": ["某公司"], "public_interest_reasons": "无需"}
    change = decision.decide(c, decision.DecideIn(outcome="partial", details=by_name), act(CLERK, "clerk"))
    assert [d.type for d in change.letters] == ["reply"] and change.app["outcome_details"]["public_interest_reasons"] == ""
    with pytest.raises(InputError, match="不是本申请中不同意公开的第三方"):
        decision.decide(c, decision.DecideIn(outcome="partial", details={**details, "objections_withheld": ["99"]}),
                        act(CLERK, "clerk"))


def reply_ready(c: Case, **notice_fields) -> Case:
    c.app.outcome, c.app.outcome_details, c.app.decided_by_id = "provide", {**PROVIDE, "public_interest_reasons": "公益"}, 1
    c.records["letters"] = [
        Letter(id=9, application_id=7, agency_id=1, type="reply", outcome="provide", status="draft", addressee="张三",
               data={}, drafted_by_id=1),
        Letter(id=10, application_id=7, agency_id=1, type="third_party_disclosure_notice", addressee="某公司",
               data={"consultation_id": 3, "party": "某公司", "public_interest_reasons": "公益"}, drafted_by_id=1,
               **notice_fields)]
    return c


def test_sign_off_waits_until_the_override_notice_is_issued_and_served_art_32():
    """条例第三十二条: the 公开决定告知书 reaches the third party before the reply that discloses is signed off —
    a guard of sign_off, so the head's actions say why."""
    c = reply_ready(objecting_case("reply_drafting"), status="draft")
    with pytest.raises(Refused, match="公开决定告知书尚未印发"):
        decision.third_parties_told(c, act(HEAD, "head"))
    c = reply_ready(objecting_case("reply_drafting"), status="issued", issued_on=D("2026-03-05"), number="DEMO公开告〔2026〕1号")
    with pytest.raises(Refused, match="尚未登记送达"):
        decision.third_parties_told(c, act(HEAD, "head"))
    c.records["service_records"] = [ServiceRecord(id=1, application_id=7, letter_id=10, method="post",
                                                  served_on=D("2026-03-06"), failed=True, proof="退件", recorded_by_id=1)]
    with pytest.raises(Refused, match="尚未登记送达"):  # a failed delivery has not told anyone
        decision.third_parties_told(c, act(HEAD, "head"))
    c.records["service_records"].append(ServiceRecord(id=2, application_id=7, letter_id=10, method="post",
                                                       served_on=D("2026-03-09"), recorded_by_id=1))
    decision.third_parties_told(c, act(HEAD, "head"))
    assert decision.third_parties_told in EVENTS["sign_off"].guards


def test_the_decider_cannot_sign_or_review_their_own_draft():
    c = case("reply_drafting", decided_by_id=1)
    c.records["letters"] = [Letter(id=9, application_id=7, agency_id=1, type="reply", outcome="needs_creation",
                                   status="draft", addressee="张三", data={}, drafted_by_id=1)]
    clerk_head = actor(1, "clerk", "head")
    with pytest.raises(Refused, match="签发人不能是拟稿人"):
        decision.can_sign(c, act(clerk_head, "head"))
    decision.can_sign(c, act(HEAD, "head"))  # another head may


def test_a_legal_send_back_blocks_sign_off():
    c = case("reply_drafting", decided_by_id=1, legal_review="returned")
    c.records["letters"] = [Letter(id=9, application_id=7, agency_id=1, type="reply", outcome="needs_creation",
                                   status="draft", addressee="张三", data={}, drafted_by_id=1)]
    c.history = StaticHistory(legal_comments="理由不充分")
    with pytest.raises(Refused, match="理由不充分"):
        decision.can_sign(c, act(HEAD, "head"))


def test_extension_only_by_another_person_art_33():
    c = case(extension_requested_days=10, extension_requested_by_id=2, extension_reason="调档")
    with pytest.raises(Refused, match="以外的负责人"):
        extension.pending_request(c, act(HEAD, "head"))
    change = extension.extend(c, None, act(actor(5, "head"), "head"))
    assert change.app["extension_days"] == 10 and change.letters[0].type == "extension_notice"


def test_consultation_receipt_needs_the_letter_issued_art_32():
    c = case("consulting")
    c.records["consultations"] = [Consultation(id=3, application_id=7, kind="agency", party="某局", status="open")]
    data = consultation.ConsultationReceiptIn(consultation_id=3, party_received_on=D("2026-03-04"))
    with pytest.raises(Refused, match="尚未印发"):
        consultation.record_consultation_receipt(c, data, act(CLERK, "clerk"))


def test_service_before_issue_is_an_input_error():
    c = case("replied")
    c.records["letters"] = [Letter(id=9, application_id=7, agency_id=1, type="reply", status="issued", addressee="张三",
                                   data={}, issued_on=D("2026-03-05"))]
    data = closing.ServiceIn(letter_id=9, method="post", served_on=D("2026-03-04"), proof="EMS")
    with pytest.raises(InputError, match="早于印发日期"):
        closing.record_service(c, data, act(CLERK, "clerk", "2026-03-06"))


def test_an_edit_of_a_released_reply_after_the_answer_is_not_offered_art_17():
    c = case("replied")
    c.records["letters"] = [Letter(id=9, application_id=7, agency_id=1, type="reply", outcome="partial",
                                   status="draft", addressee="张三", data={})]
    with pytest.raises(Refused, match="须重新作出答复决定并经保密审查"):
        letter_records.has_draft(c, act(CLERK, "clerk"))


def test_admit_checks_role_state_and_guards_as_fire_does():
    c = case("registered")
    with pytest.raises(Refused, match="不能签发"):
        admit(c, HEAD, EVENTS["sign_off"], D("2026-03-05"), REGISTRY)
    from engine.errors import Forbidden

    with pytest.raises(Forbidden, match="经办人"):
        admit(c, HEAD, EVENTS["start_review"], D("2026-03-05"), REGISTRY)
    assert admit(c, CLERK, EVENTS["start_review"], D("2026-03-05"), REGISTRY).role == "clerk"


def test_every_event_is_declared_once_with_its_label_and_form():
    from engine import machine

    fired = [e for e in EVENTS.values() if e.decide is not None]
    assert len({e.name for e in fired}) == len(fired)
    for e in fired:
        assert e.label and all(e.form_label(f) != f.name for f in e.form if f.kind != "details"), e.name
        if not e.record_only:
            assert e.moves and set(machine.sources_of(e.name)) == {s for m in e.moves for s in m.sources}


def _redaction_case(status: str = "handling"):
    from engine.models import Document

    c = case(status)
    doc = Document(id=3, application_id=7, agency_id=c.agency.id, kind="to_disclose", filename="信息.pdf",
                   media_type="application/pdf", size=10, pages=1, sha256="a" * 64)
    c.records["documents"] = [doc]
    return c, doc


def test_redact_document_records_the_copy_and_marks_art37():
    from engine.documents.redaction import DEFAULT_DPI
    from engine.models import Document, Redaction
    from engine.services.redaction import RedactedCopy, RedactIn, redact_document

    c, doc = _redaction_case()
    marks = [{"text": "张三", "ground": "third_party"}]
    copy = RedactedCopy(original_sha256=doc.sha256, marks=marks, sha256="b" * 64, size=5,
                        media_type="application/pdf", pages=1, found={"张三": 2}, boxes=[{}, {}], dpi=DEFAULT_DPI)
    change = redact_document(c, RedactIn(document_id=3, marks=marks, produced=copy), act(actor(1, "clerk"), "clerk"))
    new_doc, red = change.new
    assert isinstance(new_doc, Document) and (new_doc.kind, new_doc.sha256) == ("redacted", "b" * 64)
    assert isinstance(red, Redaction) and red.marks == marks and red.original_id == 3
    assert RedactIn(document_id=3, marks=marks, produced=copy).model_dump()["produced"]["sha256"] == "b" * 64


def test_redact_document_refused_without_the_copy_or_in_secrecy_review_art37():
    from engine.services.redaction import RedactIn, redact_document

    c, _ = _redaction_case()
    with pytest.raises(InputError, match="须由系统生成"):
        redact_document(c, RedactIn(document_id=3, marks=[{"text": "x", "ground": "third_party"}]),
                        act(actor(1, "clerk"), "clerk"))
    reviewing, _ = _redaction_case("secrecy_review")
    with pytest.raises(Refused, match="不能区分处理"):
        admit(reviewing, actor(1, "clerk"), EVENTS["redact_document"], D("2026-03-05"), REGISTRY)


def test_amend_registration_changes_this_applications_details_and_the_receipt_art31():
    """更正登记信息: the applicant as given on this application (a record update, never the shared
    applicant), the receipt re-derived by channel (条例第三十一条), what was wrong noted beside what it became."""
    from engine.services import amendment

    c = case(status="reviewing")
    c.app.channel_facts = {"mail_received": "2026-03-02"}
    data = amendment.AmendRegistrationIn(name="张三丰", email="zs@example.cn", channel="post_signed",
                                         received_on=D("2026-03-04"), reason="依原件更正")
    change = amendment.amend_registration(c, data, act(CLERK, "clerk"))
    (record, fields), = change.updates
    assert record is c.applicant and fields == {"name": "张三丰", "email": "zs@example.cn"}
    assert change.app == {"channel": "post_signed", "channel_facts": {"signed_for": "2026-03-04"},
                          "received_date": D("2026-03-04")}
    assert change.notes["amended"]["name"] == ["张三", "张三丰"] and change.reason == "依原件更正"


def test_amend_registration_guard_refuses_once_answered():
    from engine.services import amendment

    with pytest.raises(Refused, match="不能再更正"):
        amendment.until_signed(case(status="replied"), act(CLERK, "clerk"))
    amendment.until_signed(case(status="reply_drafting"), act(CLERK, "clerk"))  # until the reply is signed

"""Applicants: masking; one record per agency and identity document; the applicant as given kept per
application; the full values only through the logged reveal of the application's own agency."""

import pytest
from sqlmodel import select

from engine import workflow
from engine.errors import Forbidden, InputError, NotFound
from engine.models import AccessLog, Applicant, ApplicantDetails, Event, Letter, mask_id, mask_phone, mask_pii
from engine.services.applicants import reveal_applicant, reveal_on_application

from .test_happy_paths import to_handling
from .world import APPLICANT, D, build_world, register_inputs

FULL_ID, FULL_PHONE = APPLICANT["id_number"], APPLICANT["phone"]


def test_masks():
    assert mask_id("110101199003091234") == "110***********1234"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_id("AB123") == "A****"


def test_mask_pii_masks_at_any_depth_and_twice_is_once():
    value = {"applicant": {"id_number": FULL_ID, "phone": FULL_PHONE, "name": "张三"},
             "changes": {"phone": [None, FULL_PHONE]}, "items": [{"id_number": FULL_ID}]}
    once = mask_pii(value)
    assert FULL_ID not in str(once) and FULL_PHONE not in str(once) and "张三" in str(once)
    assert once["changes"]["phone"] == [None, "138****8000"]
    assert mask_pii(once) == once


def register_at(w, agency: str, **applicant) -> int:
    """Register at DEMO (clerk) or OTHER (other_clerk) with the shared test identity, amended."""
    agency_id, actor = (w.agency_id, "clerk") if agency == "DEMO" else (w.other_agency_id, "other_clerk")
    with w.session() as s:
        app, _ = workflow.register(s, w.actor(actor), agency_id,
                                   register_inputs(applicant={**APPLICANT, **applicant}),
                                   today=D("2026-03-02"), registry=w.registry)
        return app.id


def test_same_document_is_one_applicant_within_an_agency_and_another_in_the_next(db, registry):
    """Rule: applicants are scoped to an agency — found or created only within the registering one."""
    w = build_world(db, registry)
    a, b = register_at(w, "DEMO"), register_at(w, "DEMO")
    c = register_at(w, "OTHER", name="李四", phone="13900000000", address="别处")
    with w.session() as s:
        records = s.exec(select(Applicant).order_by(Applicant.id)).all()
        assert [(r.agency_id, r.id_number) for r in records] == [(w.agency_id, FULL_ID), (w.other_agency_id, FULL_ID)]
        assert s.get(ApplicantDetails, a).name == "张三" and s.get(ApplicantDetails, a).phone == FULL_PHONE
        assert w.app(a).applicant_id == w.app(b).applicant_id != w.app(c).applicant_id
        assert s.get(ApplicantDetails, c).name == "李四"


def test_registering_again_never_rewrites_earlier_applications_or_their_letters(db, registry):
    """Rule: details are kept per application as given; letters are addressed from the application's own."""
    w = build_world(db, registry)
    first = register_at(w, "DEMO")
    register_at(w, "DEMO", name="张三丰", phone="13911112222", address="新地址", kind="legal", subtype="research",
                id_type="resident_id")
    to_handling(w, first)
    w.fire("clerk", first, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}})
    with w.session() as s:
        given = s.get(ApplicantDetails, first)
        reply = s.exec(select(Letter).where(Letter.application_id == first)).one()
    assert (given.name, given.phone, given.kind, given.subtype) == ("张三", FULL_PHONE, "natural", None)
    assert reply.addressee == "张三" and reply.data["applicant"]["address"] == APPLICANT["address"]


def test_split_siblings_keep_the_details_as_given(db, registry):
    w = build_world(db, registry)
    app_id = register_at(w, "DEMO")
    w.fire("clerk", app_id, "start_review")
    w.fire("clerk", app_id, "split", {"parts": ["甲", "乙"]})
    with w.session() as s:
        sibling = s.exec(select(ApplicantDetails).where(ApplicantDetails.application_id != app_id)).one()
        assert sibling.name == "张三" and sibling.phone == FULL_PHONE


def test_reveal_is_for_the_applications_own_agency_and_logged(db, registry):
    """Rule: reveal only by a case role of the application's agency, logged with the agency and application."""
    w = build_world(db, registry)
    app_id = register_at(w, "DEMO")
    register_at(w, "DEMO", phone="13911112222")  # a later phone: not this application's
    with w.session() as s:
        with pytest.raises(InputError):
            reveal_on_application(s, w.actor("clerk"), app_id, " ")
        with pytest.raises(NotFound):
            reveal_on_application(s, w.actor("other_clerk"), app_id, "核对身份")
        with pytest.raises(Forbidden):
            reveal_on_application(s, w.actor("supervisor"), app_id, "核对身份")
        full = reveal_on_application(s, w.actor("clerk"), app_id, "核对身份")
        assert (full["id_number"], full["phone"]) == (FULL_ID, FULL_PHONE)
        log = s.exec(select(AccessLog)).one()
        assert (log.user_id, log.agency_id, log.application_id, log.reason) == (
            w.users["clerk"], w.agency_id, app_id, "核对身份")
        with pytest.raises(NotFound):
            reveal_applicant(s, w.actor("other_clerk"), w.app(app_id).applicant_id, "核对身份")
        assert reveal_applicant(s, w.actor("head"), w.app(app_id).applicant_id, "核对")["phone"] == "13911112222"


def test_every_event_of_a_full_case_holds_masked_pii_only(db, registry):
    """Rule: the audit trail (inputs and changes of every event) never holds a full ID number or phone."""
    w = build_world(db, registry)
    app_id = register_at(w, "DEMO")
    w.fire("clerk", app_id, "start_review")
    w.fire("clerk", app_id, "split", {"parts": ["请公开2025年本局行政许可事项办理情况统计", "请公开许可收费标准"]})
    w.fire("clerk", app_id, "accept")
    w.fire("clerk", app_id, "decide", {"outcome": "provide", "details": {
        "provision_form": "电子文档", "provision_method": "电子邮件", "provision_channel": "申请人邮箱",
        "provision_time": "随本答复书一并提供", "attachments": ["统计表.pdf"]}}, today="2026-03-10")
    w.fire("secrecy", app_id, "pass_secrecy_review", {"notes": "不涉密"}, today="2026-03-11")
    w.fire("head", app_id, "sign_off", today="2026-03-12")
    with w.session() as s:
        reply = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.status == "issued")).one()
    w.fire("clerk", app_id, "record_service", {"letter_id": reply.id, "method": "email", "served_on": "2026-03-12"},
           today="2026-03-12")
    w.fire("clerk", app_id, "archive", today="2026-03-13")
    with w.session() as s:
        trail = s.exec(select(Event)).all()
    assert len(trail) >= 9
    for event in trail:
        text = f"{event.inputs} {event.changes}"
        assert FULL_ID not in text and FULL_PHONE not in text, event.name
    register = next(e for e in trail if e.name == "register")
    assert register.inputs["applicant"]["id_number"] == "110***********1234"
    assert register.inputs["applicant"]["phone"] == "138****8000"


def test_check_finds_an_applicant_of_another_agency_and_missing_details(db, registry):
    """Rule (``ogi check``): an application's applicant record is of its own agency; its details exist."""
    from datetime import date

    from engine.check import run_checks

    w = build_world(db, registry)
    mine, theirs = register_at(w, "DEMO"), register_at(w, "OTHER")
    with w.session() as s:
        assert run_checks(s, registry, date(2026, 3, 2)) == []
        mine_record, their_record = w.app(mine).applicant_id, w.app(theirs).applicant_id
        s.delete(s.get(ApplicantDetails, theirs))
        s.get(Applicant, their_record).id_number = "X"  # keeps the unique key free for the move below
        s.flush()
        s.get(Applicant, mine_record).agency_id = w.other_agency_id
        s.commit()
        rules = {(v.application, v.rule) for v in run_checks(s, registry, date(2026, 3, 2))}
    assert ("DEMO-2026-00001", "申请人归属") in rules and ("OTHER-2026-00001", "申请人信息") in rules

"""条例第三十二条 (disclosure over a third party's objection) and 第三十七条 (partial disclosure, each withheld
part with its own ground), through the engine on SQLite and PostgreSQL."""

import pytest
from sqlmodel import select

from engine import workflow
from engine.case_repository import full_case
from engine.errors import InputError, Refused
from engine.models import Consultation, Letter
from letters.audit import check_third_party

from .test_happy_paths import to_handling
from .world import build_world


@pytest.fixture
def w(db, registry):
    return build_world(db, registry)


PROVIDE = {"provision_form": "电子文档", "provision_method": "电子邮件", "provision_channel": "申请人邮箱",
           "provision_time": "随本答复书一并提供", "attachments": ["配置情况表.pdf"]}


def objected(w) -> tuple[int, int]:
    """A case whose third party objected to disclosure in writing."""
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "start_consultation", {"kind": "third_party", "party": "某出租汽车公司"}, today="2026-03-04")
    with w.session() as s:
        c = s.exec(select(Consultation).where(Consultation.application_id == app_id)).one()
        draft = s.exec(select(Letter).where(Letter.application_id == app_id)).one()
    w.fire("clerk", app_id, "issue_letter", {"letter_id": draft.id}, today="2026-03-04")
    w.fire("clerk", app_id, "record_consultation_receipt", {"consultation_id": c.id, "party_received_on": "2026-03-05"},
           today="2026-03-05")
    w.fire("clerk", app_id, "record_consultation_reply", {"consultation_id": c.id, "result": "objection",
                                                           "reasons": "报价属于商业秘密", "received_on": "2026-03-09"},
           today="2026-03-09")
    return app_id, c.id


def letters_of(w, app_id, type_):
    with w.session() as s:
        return list(s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == type_)
                           .order_by(Letter.id)).all())


def sign_off_offer(w, app_id, today):
    with w.session() as s:
        return next(a for a in workflow.available_actions(s, w.actor("head"), app_id, today=today, registry=w.registry)
                    if a["event"] == "sign_off")


def test_override_notice_states_the_public_interest_and_is_served_before_sign_off_art_32(w):
    """条例第三十二条: deciding to disclose over the objection needs the public-interest reasons; the
    公开决定告知书 states them and must be issued and served on the third party before the head can sign
    the reply — the head's action list says why until then."""
    from datetime import date

    app_id, _ = objected(w)
    with pytest.raises(InputError, match="公共利益造成重大影响的理由"):
        w.fire("clerk", app_id, "decide", {"outcome": "provide", "details": PROVIDE}, today="2026-03-10")
    reasons = "出租汽车经营权属于公共资源，报价决定配置结果，关系公众监督"
    w.fire("clerk", app_id, "decide", {"outcome": "provide", "details": {**PROVIDE, "public_interest_reasons": reasons}},
           today="2026-03-10")
    w.fire("secrecy", app_id, "pass_secrecy_review", today="2026-03-11")
    (notice,) = letters_of(w, app_id, "third_party_disclosure_notice")
    assert notice.addressee == "某出租汽车公司" and notice.data["public_interest_reasons"] == reasons
    offer = sign_off_offer(w, app_id, date(2026, 3, 11))
    assert not offer["allowed"] and "公开决定告知书尚未印发" in offer["reason"]
    with pytest.raises(Refused, match="公开决定告知书尚未印发"):
        w.fire("head", app_id, "sign_off", today="2026-03-11")
    w.fire("clerk", app_id, "issue_letter", {"letter_id": notice.id}, today="2026-03-11")
    offer = sign_off_offer(w, app_id, date(2026, 3, 11))
    assert not offer["allowed"] and "尚未登记送达" in offer["reason"]
    with pytest.raises(Refused, match="尚未登记送达"):
        w.fire("head", app_id, "sign_off", today="2026-03-11")
    w.fire("clerk", app_id, "record_service", {"letter_id": notice.id, "method": "post", "served_on": "2026-03-13",
                                                "tracking_number": "EMS1"}, today="2026-03-13")
    assert sign_off_offer(w, app_id, date(2026, 3, 13))["allowed"]
    w.fire("head", app_id, "sign_off", today="2026-03-13")
    assert w.app(app_id).status == "replied"
    with w.session() as s:
        assert check_third_party(full_case(s, app_id)).ok


def test_partial_withholding_exactly_the_objection_drafts_no_override_notice_art_32_37(w):
    """条例第三十二条、第三十七条: a 部分公开 that withholds what the third party objected to overrides nothing:
    no public-interest reasons, no 公开决定告知书, and sign-off does not wait for one."""
    app_id, cid = objected(w)
    w.fire("clerk", app_id, "decide", {"outcome": "partial", "details": {
        "provided": "配置数量和配置方式", "attachments": ["配置情况表（区分处理后）.pdf"], "objections_withheld": [str(cid)],
        "withheld_parts": [{"part": "各企业报价", "ground": "third_party", "reasons": "属于商业秘密"}]}},
           today="2026-03-10")
    w.fire("secrecy", app_id, "pass_secrecy_review", today="2026-03-11")
    assert letters_of(w, app_id, "third_party_disclosure_notice") == []
    w.fire("head", app_id, "sign_off", today="2026-03-11")
    with w.session() as s:
        assert check_third_party(full_case(s, app_id)).ok


def test_a_changed_decision_drafts_a_new_override_notice_and_voids_the_old_draft_art_32(w):
    app_id, cid = objected(w)
    details = {**PROVIDE, "public_interest_reasons": "关系公共资源配置"}
    w.fire("clerk", app_id, "decide", {"outcome": "provide", "details": details}, today="2026-03-10")
    w.fire("secrecy", app_id, "pass_secrecy_review", today="2026-03-11")  # then the clerk changes the decision
    w.fire("clerk", app_id, "decide", {"outcome": "partial", "details": {
        "provided": "配置数量", "attachments": ["表.pdf"], "objections_withheld": ["某出租汽车公司"],
        "withheld_parts": [{"part": "各企业报价", "ground": "third_party", "reasons": "商业秘密"}]}}, today="2026-03-10")
    assert [x.status for x in letters_of(w, app_id, "third_party_disclosure_notice")] == ["void"]


def test_partial_records_each_withheld_part_with_its_own_ground_art_37(w):
    """条例第三十七条: each withheld part has its ground and reasons; the primary ground is the first part's;
    the reply lists each part with its own basis, and the remedies follow the grounds (行政复议法第二十三条:
    复议前置 only for the parts withheld under arts 14–16)."""
    app_id = w.register()
    to_handling(w, app_id)
    parts = [{"part": "企业财务报表", "ground": "third_party", "reasons": "商业秘密"},
             {"part": "对数据的分析说明", "ground": "not_government_info", "reasons": "属于咨询"},
             {"part": "企业信用查询", "ground": "administrative_inquiry", "reasons": "应通过信用查询平台查询"}]
    with pytest.raises(InputError, match="第2部分的理由类别“咨询”无效"):
        w.fire("clerk", app_id, "decide", {"outcome": "partial", "details": {
            "provided": "统计表", "attachments": ["统计表.pdf"],
            "withheld_parts": [parts[0], {**parts[1], "ground": "咨询"}]}}, today="2026-03-10")
    with pytest.raises(InputError, match="第1部分缺少：理由"):
        w.fire("clerk", app_id, "decide", {"outcome": "partial", "details": {
            "provided": "统计表", "attachments": ["统计表.pdf"],
            "withheld_parts": [{"part": "报表", "ground": "third_party"}]}}, today="2026-03-10")
    w.fire("clerk", app_id, "decide", {"outcome": "partial", "details": {
        "provided": "统计表", "withheld_parts": parts, "attachments": ["统计表.pdf"]}}, today="2026-03-10")
    app = w.app(app_id)
    assert app.withhold_ground == "third_party" and app.outcome_details["withheld_parts"] == parts
    (reply,) = letters_of(w, app_id, "reply")
    decision = reply.data["decision"]
    assert [(p["part"], p["basis"]) for p in decision["withheld_parts"]] == [
        ("企业财务报表", "《中华人民共和国政府信息公开条例》第十五条"),
        ("对数据的分析说明", "《中华人民共和国政府信息公开条例》第二条"),
        ("企业信用查询", "《中华人民共和国政府信息公开条例》第三十六条第（七）项")]
    assert decision["review_first"] is True and decision["review_first_partly"] is True


def test_partial_without_a_14_to_16_ground_offers_a_direct_lawsuit_xingzheng_fuyi_fa_art_23(w):
    """行政复议法第二十三条: review comes first only for withholding under 条例 arts 14–16 — a partial
    disclosure whose withheld parts are not government information or 行政查询 keeps the direct lawsuit."""
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "partial", "details": {
        "provided": "统计表", "attachments": ["统计表.pdf"],
        "withheld_parts": [{"part": "分析说明", "ground": "not_government_info", "reasons": "属于咨询"}]}},
           today="2026-03-10")
    (reply,) = letters_of(w, app_id, "reply")
    assert reply.data["decision"]["review_first"] is False and reply.data["decision"]["review_first_partly"] is False

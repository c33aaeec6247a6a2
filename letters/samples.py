"""Realistic letters of every type, produced by driving the engine (for ``make samples`` and tests).

Builds a throw-away SQLite database, runs the procedures that produce each letter and issues them
with the real renderer and audit.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from calendars import CalendarRegistry
from engine import admin, workflow
from engine.actors import Actor, load_actor
from engine.db import make_engine
from engine.migrate import upgrade
from engine.models import Consultation, Letter
from engine.outcomes import OUTCOMES

from .hooks import LetterDesk

D = date.fromisoformat
APPLICANT = {"kind": "natural", "name": "张三", "id_type": "resident_id", "id_number": "110101199003091234",
             "phone": "13800138000", "address": "示例市东城区和平路18号", "postcode": "100010"}
COMPANY = {"kind": "legal", "subtype": "commercial", "name": "示例数据科技有限公司", "id_type": "uscc",
           "id_number": "91110000MA01ABCD1M", "phone": "010-66668888", "address": "示例市高新区科技路6号"}

OUTCOME_DETAILS = {
    "provide": {"provision_form": "电子文档", "provision_method": "电子邮件", "provision_channel": "申请人预留邮箱",
                "provision_time": "随本答复书一并提供", "attachments": ["2025年度道路运输行政许可办理情况统计表.pdf"]},
    "already_public": {"where": "本局门户网站“政府信息公开—法定主动公开内容—行政许可”栏目",
                       "how": "登录本局门户网站，在该栏目检索“2025年度行政许可”"},
    "partial": {"provided": "《2025年度道路运输行政许可办理情况统计表》中许可事项、办理数量和办理时限等内容",
                "withheld_parts": [
                    {"part": "统计表所附申请企业的财务报表", "ground": "third_party",
                     "reasons": "报表中的成本和利润数据属于企业商业秘密，公开会对企业合法权益造成损害"},
                    {"part": "研究许可工作的会议纪要", "ground": "process_info",
                     "reasons": "该纪要为研究讨论过程中形成的内部讨论记录"},
                    {"part": "申请人要求本局对统计数据作出的分析说明", "ground": "not_government_info",
                     "reasons": "该部分属于咨询，不是本局在履行行政管理职能过程中制作或者获取的已有信息"}],
                "attachments": ["2025年度道路运输行政许可办理情况统计表（区分处理后）.pdf"]},
    "withhold": {"ground": "process_info", "reasons": "所申请的会议纪要为研究讨论过程中形成的内部讨论记录，不属于应当公开的政府信息"},
    "not_exist": {"search_places": "本局档案室纸质档案、办公自动化系统及行政许可审批系统",
                  "keywords": "公交线路 调整 论证报告 2024", "searched_by": "办公室 李四、王五", "searched_on": "2026-03-09"},
    "not_our_agency": {"reasons": "所申请的企业登记信息由市场监督管理部门制作和保存",
                       "responsible_agency": "示例市市场监督管理局", "responsible_contact": "010-87654321"},
    "needs_creation": {"reasons": "本局未掌握按申请人要求的口径汇总的统计数据，提供该信息需要对多个年度的原始记录进行加工、分析"},
    "petition": {"proper_channel": "示例市人民政府信访局（示例市人民路2号）或“12345”政务服务便民热线"},
    "publication": {"where_to_obtain": "《示例市交通年鉴（2025）》已公开出版，可至示例市图书馆查阅或向出版单位购买"},
    "confirm_or_reissue": {"reasons": "申请人要求本局对其已获取的批复文件的真实性予以确认并重新加盖印章"},
    "special_procedure": {"law": "《中华人民共和国档案法》", "procedure": "该信息已移交示例市档案馆，请依照档案查阅利用的规定向示例市档案馆申请查阅"},
    "repeat": None,  # filled with the earlier application's number
    # 条例 art 41: answers to a request to correct a record about the applicant
    "info_corrected": {"corrected_record": "本局道路运输从业人员信息系统中申请人的从业资格证取得日期由“2019年5月8日”更正为“2018年5月8日”",
                       "corrected_on": "2026-03-13"},
    "correction_not_ours": {"reasons": "申请人的驾驶证信息由公安机关交通管理部门记录和管理，本局无权更正",
                            "competent_agency": "示例市公安局交通警察支队", "competent_contact": "010-12345000",
                            "forwarded_on": "2026-03-12"},
    "correction_refused": {"reasons": "经核对原始档案，申请人提供的证明材料与原始记录不符，不能证明该信息记录不准确"},
}
CORRECTION_REQUEST = ("请更正本局道路运输从业人员信息系统中本人的从业资格证取得日期（记录为2019年5月8日，实为2018年5月8日）",
                      "从业资格证原件复印件一份")


OVERRIDE_DETAILS = {
    "provided": "《2025年度出租汽车经营权配置情况表》中配置数量、配置方式和各企业的中标报价",
    "withheld_parts": [{"part": "各企业的成本测算数据", "ground": "third_party",
                        "reasons": "成本测算数据属于企业商业秘密，公开会对企业合法权益造成损害"}],
    "public_interest_reasons": "出租汽车经营权属于有限的公共资源，各企业的中标报价决定公共资源的配置结果，"
                               "不公开将使公众无法监督配置的公平公正",
    "attachments": ["2025年度出租汽车经营权配置情况表（区分处理后）.pdf"]}


class SampleWorld:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder or tempfile.mkdtemp(prefix="ogi-samples-"))
        url = f"sqlite:///{self.folder / 'samples.db'}"
        upgrade(url)
        self.engine = make_engine(url)
        self.registry = CalendarRegistry()
        self.desk = LetterDesk()
        self.users: dict[str, int] = {}
        with Session(self.engine) as s:
            gov = admin.create_agency(s, code="SZF", name="示例市人民政府办公室")
            ag = admin.create_agency(s, code="示交", name="示例市交通运输局", competent_department="SZF",
                                     region="national", review_body="示例市人民政府", court="示例市铁路运输法院",
                                     address="示例市人民路1号", contact="010-12345678")
            for name, display, agency, role in [("clerk", "李四", ag, "clerk"), ("head", "赵六", ag, "head"),
                                                ("secrecy", "钱七", ag, "secrecy_reviewer"),
                                                ("supervisor", "孙八", gov, "supervisor")]:
                user = admin.create_user(s, username=name, display_name=display, password=None)
                admin.grant(s, user, agency, role)
                self.users[name] = user.id
            s.commit()
            self.agency_id = ag.id

    def actor(self, name: str) -> Actor:
        with Session(self.engine) as s:
            return load_actor(s, self.users[name])

    def register(self, received: str, text: str, applicant: dict | None = None, channel: str = "post_signed",
                 **more) -> int:
        fact = {"post_signed": "signed_for", "email": "mail_received", "online": "confirmed"}[channel]
        with Session(self.engine, expire_on_commit=False) as s:
            app, _ = workflow.register(s, self.actor("clerk"), self.agency_id, {
                "applicant": applicant or APPLICANT, "channel": channel, "channel_facts": {fact: received},
                "request_text": text, "form_wanted": "electronic", "delivery_wanted": "email", **more,
            }, today=D(received), registry=self.registry)
            return app.id

    def fire(self, who: str, app_id: int, event: str, inputs: dict | None = None, today: str = "2026-03-04"):
        actor = Actor.system() if who == "system" else self.actor(who)
        with Session(self.engine, expire_on_commit=False) as s:
            return workflow.fire(s, actor, app_id, event, inputs or {}, today=D(today), registry=self.registry,
                                 letters=self.desk).application

    def letters(self, app_id: int, type_: str) -> list[Letter]:
        with Session(self.engine) as s:
            return list(s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == type_)
                               .order_by(Letter.id)).all())

    def issue_all(self, app_id: int, today: str, served: str | None = None) -> None:
        """Issue the notices; ``served``: the day the applicant received them (by post)."""
        with Session(self.engine) as s:
            drafts = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.status == "draft",
                                                 Letter.type != "reply")).all()
        for x in drafts:
            self.fire("clerk", app_id, "issue_letter", {"letter_id": x.id}, today=today)
            if served:
                self.fire("clerk", app_id, "record_service", {"letter_id": x.id, "method": "post", "served_on": served,
                                                              "tracking_number": f"EMS1000{x.id:05d}CN"}, today=served)

    def reply(self, outcome: str, details: dict, received: str = "2026-03-05") -> int:
        if OUTCOMES[outcome].request_kind == "correction":
            text, evidence = CORRECTION_REQUEST
            app_id = self.register(received, text, request_kind="correction", evidence=evidence)
        else:
            app_id = self.register(received, "请公开本局2025年度道路运输行政许可办理情况统计及相关会议纪要")
        self.fire("clerk", app_id, "start_review", today="2026-03-06")
        self.fire("clerk", app_id, "accept", today="2026-03-06")
        self.fire("clerk", app_id, "decide", {"outcome": outcome, "details": details}, today="2026-03-16")
        if outcome in ("provide", "partial"):
            self.fire("secrecy", app_id, "pass_secrecy_review", today="2026-03-17")
        self.fire("head", app_id, "sign_off", today="2026-03-18")
        return app_id


def build_samples(folder: Path | None = None) -> tuple[SampleWorld, dict[str, Letter]]:
    """One issued letter of every type (replies: one per outcome), keyed by type or ``reply/<outcome>``."""
    w = SampleWorld(folder)
    out: dict[str, Letter] = {}
    first = None
    for outcome, details in OUTCOME_DETAILS.items():
        if outcome == "repeat":
            details = {"earlier_application": first, "earlier_reply": "本局已于2026年3月18日以示交公开〔2026〕1号答复书予以公开"}
        app_id = w.reply(outcome, details)
        with Session(w.engine) as s:
            from engine.models import Application

            first = first or s.get(Application, app_id).number
        out[f"reply/{outcome}"] = w.letters(app_id, "reply")[-1]

    # 说明理由 → 理由不成立 (excessive), and 延迟答复 (art 35)
    a = w.register("2026-03-02", "请公开本局2015年至2025年全部会议纪要、请示报告、内部通知及其附件")
    w.fire("clerk", a, "start_review", today="2026-03-03")
    w.fire("clerk", a, "ask_reasons", {"reply_by": "2026-03-13"}, today="2026-03-03")
    w.issue_all(a, "2026-03-03")
    w.fire("head", a, "reject_reasons", {"reasons_request": "本局已于2026年3月3日书面要求你说明申请理由",
                                          "reasons_answer": "你于2026年3月12日回复称系为研究需要，但未说明需要十年全部内部文件的正当理由"},
           today="2026-03-16")
    with Session(w.engine) as s:
        from engine.models import Agency, User

        admin.grant(s, s.get(User, w.users["head"]), s.get(Agency, w.agency_id), "clerk")
        second = admin.create_user(s, username="head2", display_name="周九", password=None)
        admin.grant(s, second, s.get(Agency, w.agency_id), "head")
        s.commit()
        w.users["head2"] = second.id
    w.fire("head2", a, "sign_off", today="2026-03-17")
    out["reply/excessive"] = w.letters(a, "reply")[-1]
    out["reasons_request"] = w.letters(a, "reasons_request")[-1]

    b = w.register("2026-03-02", "请公开本局2024年至2025年全部行政处罚决定书")
    w.fire("clerk", b, "start_review", today="2026-03-03")
    w.fire("clerk", b, "ask_reasons", {"reply_by": "2026-03-13"}, today="2026-03-03")
    w.fire("head", b, "accept_reasons", {"later_due": "2026-05-29", "reason": "所涉决定书数量较多，需逐份进行区分处理"},
           today="2026-03-16")
    w.issue_all(b, "2026-03-16")
    out["late_reply_notice"] = w.letters(b, "late_reply_notice")[-1]

    # 补正 → 逾期不补正 (termination), with an acknowledgement first
    with Session(w.engine) as s:
        from engine.models import Agency

        ag = s.get(Agency, w.agency_id)
        ag.settings = {**ag.settings, "acknowledgement_letter": True}
        s.add(ag)
        s.commit()
    c = w.register("2026-03-02", "请公开有关道路的那个文件", channel="email")
    w.fire("clerk", c, "start_review", today="2026-03-03")
    w.fire("clerk", c, "request_correction", {"items": ["请写明所需文件的名称、文号或者其他特征描述",
                                                         "请写明所需信息涉及的道路名称和时间范围"]}, today="2026-03-04")
    w.issue_all(c, "2026-03-04", served="2026-03-06")
    out["acknowledgement"] = w.letters(c, "acknowledgement")[-1]
    out["correction_notice"] = w.letters(c, "correction_notice")[-1]
    w.fire("system", c, "correction_lapsed", today="2026-04-01")
    w.issue_all(c, "2026-04-01")
    out["termination_notice"] = w.letters(c, "termination_notice")[-1]

    # 补正后仍不明确
    f = w.register("2026-03-02", "请公开关于那条路的材料")
    w.fire("clerk", f, "start_review", today="2026-03-03")
    w.fire("clerk", f, "request_correction", {"items": ["请写明所需信息涉及的道路名称、时间范围和文件类型"]}, today="2026-03-04")
    w.issue_all(f, "2026-03-04")
    w.fire("clerk", f, "receive_correction", {"channel": "post_signed", "channel_facts": {"signed_for": "2026-03-10"},
                                              "corrected_text": "请公开关于那条路的全部材料"}, today="2026-03-10")
    w.fire("clerk", f, "decide", {"outcome": "still_unclear", "details": {
        "reasons": "补正后仍未写明道路名称、时间范围和文件类型，本机关无法确定所需信息"}}, today="2026-03-16")
    w.fire("head", f, "sign_off", today="2026-03-18")
    out["reply/still_unclear"] = w.letters(f, "reply")[-1]

    # 征求意见 (third party and agency), override notice, extension, fee
    e = w.register("2026-03-02", "请公开2025年度出租汽车经营权配置情况，包括各企业的报价", applicant=COMPANY)
    w.fire("clerk", e, "start_review", today="2026-03-03")
    w.fire("clerk", e, "accept", today="2026-03-03")
    w.fire("clerk", e, "start_consultation", {"kind": "third_party", "party": "示例出租汽车有限公司",
                                              "contact": "010-55556666", "party_received_on": "2026-03-05",
                                              "notify_applicant": True}, today="2026-03-05")
    w.fire("clerk", e, "start_consultation", {"kind": "agency", "party": "示例市财政局",
                                              "party_received_on": "2026-03-05"}, today="2026-03-05")
    w.issue_all(e, "2026-03-05")
    with Session(w.engine) as s:
        cs = s.exec(select(Consultation).where(Consultation.application_id == e).order_by(Consultation.id)).all()
    w.fire("clerk", e, "record_consultation_reply", {"consultation_id": cs[0].id, "result": "objection",
                                                     "reasons": "报价和成本数据属于本公司商业秘密",
                                                     "received_on": "2026-03-12"}, today="2026-03-12")
    w.fire("clerk", e, "record_consultation_reply", {"consultation_id": cs[1].id, "result": "consent",
                                                     "received_on": "2026-03-13"}, today="2026-03-13")
    w.fire("clerk", e, "request_extension", {"days": 20, "reason": "所申请信息涉及多家企业，需逐一核实并作区分处理"},
           today="2026-03-16")
    w.fire("head", e, "extend", today="2026-03-16")
    w.fire("clerk", e, "propose_fee", {"method": "per_volume", "pages": 120}, today="2026-03-17")
    w.fire("supervisor", e, "approve_fee", today="2026-03-18")
    w.issue_all(e, "2026-03-18")
    w.fire("clerk", e, "record_payment", {"amount": "1100", "receipt_number": "财政票据 No.0012345",
                                          "paid_on": "2026-03-20"}, today="2026-03-20")
    # the prices are disclosed over the objection (art 32); the cost data are withheld
    w.fire("clerk", e, "decide", {"outcome": "partial", "details": OVERRIDE_DETAILS}, today="2026-03-23")
    w.issue_all(e, "2026-03-23")
    for t in ("third_party_consultation", "agency_consultation", "consultation_notice", "extension_notice",
              "fee_notice", "third_party_disclosure_notice"):
        out[t] = w.letters(e, t)[-1]
    return w, out

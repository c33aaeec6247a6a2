"""``ogi demo``: a demo agency with its competent department, a user for every role, and ~30
applications in every state — including overdue, paused and extended ones — dated around today.

Letters are issued through the letter port the caller passes (the CLI passes the real renderer and audit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .unit_of_work import LetterPort

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, select

from calendars import CalendarRegistry

from . import admin, workflow
from .actors import Actor, load_actor
from .models import Agency, Letter
from .passwords import check_password_policy

USERS = [  # username, name, agency, roles
    ("clerk1", "李明", "DEMO", ["clerk"]),
    ("clerk2", "王芳", "DEMO", ["clerk"]),
    ("head1", "赵强", "DEMO", ["head"]),
    ("head2", "陈静", "DEMO", ["head"]),
    ("secrecy1", "刘洋", "DEMO", ["secrecy_reviewer"]),
    ("legal1", "周敏", "DEMO", ["legal"]),
    ("supervisor1", "孙伟", "SZF", ["supervisor"]),
    ("admin", "机关管理员", "DEMO", ["admin"]),
    ("platform1", "钱平台", None, ["platform_admin"]),  # the deployment's administrator: no agency grant
]
PEOPLE = [
    {"kind": "natural", "name": "张伟", "id_type": "resident_id", "id_number": "110101198805121234",
     "phone": "13800138001", "address": "示例市东城区和平路18号"},
    {"kind": "natural", "name": "李娜", "id_type": "resident_id", "id_number": "110102199107202345",
     "phone": "13900139002", "email": "lina@example.cn", "address": "示例市西城区长安街9号"},
    {"kind": "legal", "subtype": "commercial", "name": "示例数据科技有限公司", "id_type": "uscc",
     "id_number": "91110000MA01ABCD1M", "phone": "010-66668888", "address": "示例市高新区科技路6号"},
    {"kind": "legal", "subtype": "legal_services", "name": "示例律师事务所", "id_type": "uscc",
     "id_number": "31110000E12345678Y", "phone": "010-65550000", "address": "示例市朝阳区建国路1号"},
    {"kind": "natural", "name": "王强", "id_type": "resident_id", "id_number": "110105197512203456",
     "phone": "13700137003", "address": "示例市海淀区学院路30号"},
]
TOPICS = [
    "2025年度道路运输行政许可办理情况统计", "本市公交线路优化调整方案及论证材料", "2025年度出租汽车经营权配置情况",
    "示例大道改造工程环境影响评价批复", "2024年至2025年交通运输行政处罚决定书", "城市轨道交通票价调整听证会材料",
    "本局2025年部门预算和决算", "农村公路建设项目资金使用情况", "网约车平台公司经营许可情况", "停车收费标准调整依据",
]
DETAILS = {
    "provide": {"provision_form": "电子文档", "provision_method": "电子邮件", "provision_channel": "申请人预留邮箱",
                "provision_time": "随本答复书一并提供", "attachments": ["相关信息.pdf"]},
    "not_exist": {"search_places": "本局档案室及办公自动化系统", "keywords": "论证 报告", "searched_by": "办公室 李明",
                  "searched_on": None},
    "withhold": {"ground": "process_info", "reasons": "所申请信息为内部研究讨论过程中形成的记录"},
    "already_public": {"where": "本局门户网站“法定主动公开内容”栏目", "how": "登录网站检索"},
    "needs_creation": {"reasons": "需要对多个年度原始记录加工、分析后另行制作"},
}


@dataclass
class Demo:
    session_factory: Callable[[], Session]
    registry: CalendarRegistry
    letters: LetterPort | None
    today: date
    users: dict[str, int] = field(default_factory=dict)
    agency_id: int = 0
    n: int = 0

    def wd(self, k: int) -> date:
        """The k-th working day before today's last working day (k < 0: after it); provisional-safe."""
        cal = self.registry.calendar(provisional=True)
        d = self.today
        while not cal.is_working_day(d):
            d -= timedelta(days=1)
        if k < 0:
            return cal.add_working_days(d, -k)
        for _ in range(k):
            d -= timedelta(days=1)
            while not cal.is_working_day(d):
                d -= timedelta(days=1)
        return d

    def actor(self, name: str) -> Actor:
        with self.session_factory() as s:
            return load_actor(s, self.users[name])

    def register(self, k: int, channel: str = "online") -> int:
        person = PEOPLE[self.n % len(PEOPLE)]
        text = "请公开" + TOPICS[self.n % len(TOPICS)]
        self.n += 1
        fact = {"online": "confirmed", "email": "mail_received", "post_signed": "signed_for"}[channel]
        received = self.wd(k)
        with self.session_factory() as s:
            app, _ = workflow.register(s, self.actor("clerk1"), self.agency_id, {
                "applicant": person, "channel": channel, "channel_facts": {fact: received.isoformat()},
                "request_text": text, "form_wanted": "electronic", "delivery_wanted": "email",
            }, today=received, registry=self.registry)
            return app.id

    def fire(self, who: str, app_id: int, event: str, k: int, inputs: dict | None = None):
        actor = Actor.system() if who == "system" else self.actor(who)
        with self.session_factory() as s:
            workflow.fire(s, actor, app_id, event, inputs or {}, today=self.wd(k), registry=self.registry,
                          letters=self.letters)

    def handling(self, k: int, clerk: str = "clerk1") -> int:
        app_id = self.register(k)
        self.fire(clerk, app_id, "start_review", max(k - 1, 0))
        self.fire(clerk, app_id, "accept", max(k - 1, 0))
        return app_id

    def decide(self, app_id: int, outcome: str, k: int) -> None:
        details = dict(DETAILS[outcome])
        if outcome == "not_exist":
            details["searched_on"] = self.wd(k + 1).isoformat()
        self.fire("clerk1", app_id, "decide", k, {"outcome": outcome, "details": details})
        if outcome == "provide":
            self.fire("secrecy1", app_id, "pass_secrecy_review", k)

    def reply(self, app_id: int, outcome: str, k: int, serve: bool = True) -> None:
        self.decide(app_id, outcome, k + 1)
        self.fire("head1", app_id, "sign_off", k)
        if serve:
            with self.session_factory() as s:
                letter = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "reply",
                                                     Letter.status == "issued")).first()
            self.fire("clerk1", app_id, "record_service", k, {"letter_id": letter.id, "method": "email",
                                                               "served_on": self.wd(k).isoformat(),
                                                               "proof": "电子邮件发送回执"})

    def issue_drafts(self, app_id: int, k: int, served: int | None = None) -> None:
        """Issue the notices; ``served``: the applicant received them that many working days ago (by post)."""
        with self.session_factory() as s:
            drafts = s.exec(select(Letter).where(Letter.application_id == app_id, Letter.status == "draft",
                                                 Letter.type != "reply")).all()
        for x in drafts:
            self.fire("clerk1", app_id, "issue_letter", k, {"letter_id": x.id})
            if served is not None:
                self.fire("clerk1", app_id, "record_service", served, {
                    "letter_id": x.id, "method": "post", "served_on": self.wd(served).isoformat(),
                    "tracking_number": f"EMS10{app_id:04d}{x.id:04d}CN"})


def create_demo(session_factory: Callable[[], Session], registry: CalendarRegistry, letters: LetterPort | None, today: date,
                password: str | None = None) -> dict[str, str]:
    """Create the demo; returns username → password (random unless one is given)."""
    if password is not None:  # refused before anything is written
        for username, *_ in USERS:
            check_password_policy(password, username)
    demo = Demo(session_factory, registry, letters, today)
    passwords: dict[str, str] = {}
    with session_factory() as s:
        gov = admin.create_agency(s, code="SZF", name="示例市人民政府办公室", review_body="示例省人民政府",
                                  court="示例市中级人民法院", contact="010-12340000")
        admin.create_agency(s, code="DEMO", name="示例市交通运输局", competent_department="SZF",
                            review_body="示例市人民政府", court="示例市铁路运输法院",
                            address="示例市人民路1号", contact="010-12345678",
                            settings={"doc_code": "示交"})  # 机关代字: 示交公开〔2026〕N号
        agencies = {a.code: a for a in s.exec(select(Agency)).all()}
        for username, name, code, roles in USERS:
            pw = password or secrets.token_urlsafe(9)
            user = admin.create_user(s, username=username, display_name=name, password=pw,
                                     platform_admin="platform_admin" in roles)
            for role in roles:
                if role != "platform_admin":
                    admin.grant(s, user, agencies[code], role)
            if username == "admin":
                admin.grant(s, user, gov, "admin")
            demo.users[username] = user.id
            passwords[username] = pw
        s.commit()
        demo.agency_id = agencies["DEMO"].id

    for k in (0, 1, 2, 3):  # registered
        demo.register(k, channel=("online", "email", "post_signed", "online")[k])
    for k in (3, 4, 5):  # reviewing
        a = demo.register(k)
        demo.fire("clerk2" if k == 4 else "clerk1", a, "start_review", k - 1)
    a = demo.register(6)  # awaiting correction
    demo.fire("clerk1", a, "start_review", 5)
    demo.fire("clerk1", a, "request_correction", 5, {"items": ["请写明所需信息的文件名称或文号", "请写明时间范围"]})
    demo.issue_drafts(a, 5, served=3)
    a = demo.register(7)  # awaiting reasons (art 35)
    demo.fire("clerk1", a, "start_review", 6)
    demo.fire("clerk1", a, "ask_reasons", 6, {"reply_by": demo.wd(-5).isoformat()})
    for k in (8, 14, 17, 19):  # handling: green, yellow, orange, red
        demo.handling(k, clerk="clerk2" if k == 14 else "clerk1")
    for k in (24, 30):  # overdue
        demo.handling(k)
    a = demo.handling(10)  # consulting (paused): third party
    demo.fire("clerk1", a, "start_consultation", 6, {"kind": "third_party", "party": "示例出租汽车有限公司",
                                                      "party_received_on": demo.wd(6).isoformat()})
    demo.issue_drafts(a, 6)
    a = demo.handling(12)  # consulting: another agency
    demo.fire("clerk1", a, "start_consultation", 9, {"kind": "agency", "party": "示例市财政局",
                                                      "party_received_on": demo.wd(9).isoformat()})
    a = demo.handling(9)  # awaiting fee approval
    demo.fire("clerk1", a, "propose_fee", 2, {"method": "per_volume", "pages": 150})
    a = demo.handling(11)  # awaiting payment (paused)
    demo.fire("clerk1", a, "propose_fee", 5, {"method": "per_volume", "pages": 250})
    demo.fire("supervisor1", a, "approve_fee", 4)
    demo.issue_drafts(a, 4, served=2)
    a = demo.handling(13)  # secrecy review
    demo.fire("clerk1", a, "decide", 2, {"outcome": "provide", "details": DETAILS["provide"]})
    a = demo.handling(15)  # reply drafting
    demo.decide(a, "needs_creation", 1)
    a = demo.handling(16)  # reply drafting after a withholding decision
    demo.decide(a, "withhold", 1)
    a = demo.handling(18)  # extended
    demo.fire("clerk1", a, "request_extension", 2, {"days": 15, "reason": "所申请信息需调取历年档案并逐一核对"})
    demo.fire("head1", a, "extend", 1)
    demo.issue_drafts(a, 1)
    for k, outcome in ((3, "provide"), (5, "not_exist"), (8, "already_public"), (12, "withhold")):  # replied
        a = demo.handling(k + 14)
        demo.reply(a, outcome, k, serve=outcome != "withhold")
    a = demo.handling(25)  # replied late
    demo.reply(a, "needs_creation", 2)
    a = demo.handling(9)  # withdrawn
    demo.fire("clerk1", a, "withdraw", 3, {"withdrawn_on": demo.wd(3).isoformat(), "note": "申请人书面撤回申请"})
    a = demo.register(40)  # correction lapsed (closed by the system)
    demo.fire("clerk1", a, "start_review", 39)
    demo.fire("clerk1", a, "request_correction", 39, {"items": ["请写明所需信息的名称"], "period_days": 15})
    demo.issue_drafts(a, 39, served=37)
    demo.fire("system", a, "correction_lapsed", 20)
    a = demo.handling(35)  # archived
    demo.reply(a, "provide", 20)
    demo.fire("clerk1", a, "archive", 19)
    return passwords

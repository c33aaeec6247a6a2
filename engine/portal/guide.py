"""申请指南 per agency: edited by the agency's administrator (audited), read by anyone. Where a part is
not written yet, the agency's own record (行政复议机关, 管辖法院, address, contact) fills it, so the
guide is never silent on where to seek a remedy."""

from __future__ import annotations

from datetime import datetime, timezone

from pydantic import Field
from sqlmodel import Session, select

from ..actors import Actor
from ..admin_audit import Origin, record_admin_event
from ..db import begin_write
from ..errors import Forbidden, NotFound
from ..models import Agency, AgencyGuide
from ..validation import CleanModel, parse

SECTIONS = {  # field: Chinese heading, in the order the guide shows them
    "how_to": "申请方式与流程",
    "materials": "申请应当包括的内容",
    "channels": "受理渠道",
    "fees": "信息处理费",
    "deadlines": "答复期限",
    "contact": "咨询方式",
    "review_body": "行政复议机关",
    "court": "管辖法院",
}


class GuideIn(CleanModel):
    how_to: str = Field(default="", max_length=4000, title="申请方式与流程")
    materials: str = Field(default="", max_length=4000, title="申请应当包括的内容")
    channels: str = Field(default="", max_length=2000, title="受理渠道")
    fees: str = Field(default="", max_length=2000, title="信息处理费")
    deadlines: str = Field(default="", max_length=2000, title="答复期限")
    contact: str = Field(default="", max_length=1000, title="咨询方式")
    review_body: str = Field(default="", max_length=1000, title="行政复议机关")
    court: str = Field(default="", max_length=1000, title="管辖法院")


DEFAULTS = {
    "how_to": "可通过本平台在线提交申请，也可当面、邮寄、传真或电子邮件提交。在线提交后，工作人员确认收到之日为收到申请之日"
              "（《政府信息公开条例》第三十一条第（三）项），确认后即可凭查询号和查询码查询办理进度。",
    "materials": "申请人的姓名或者名称、身份证明、联系方式；申请公开的政府信息的名称、文号或者便于行政机关查询的其他特征性描述；"
                 "申请公开的政府信息的形式要求，包括获取信息的方式、途径（条例第二十九条）。",
    "fees": "一般不收费。申请公开政府信息的数量、频次明显超过合理范围的，可以按件或按量收取信息处理费"
            "（国办函〔2020〕109号），收费前书面告知。",
    "deadlines": "能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内答复，需要延长的经负责人同意可延长不超过20个工作日"
                 "（条例第三十三条）。补正、征求第三方意见的时间不计算在内。",
}


def agency_by_code(session: Session, code: str) -> Agency:
    agency = session.exec(select(Agency).where(Agency.code == code)).first() if code else None
    if agency is None:
        raise NotFound("机关不存在")
    return agency


def guide_of(session: Session, agency: Agency) -> dict:
    """The guide as shown: each section written by the agency, else its record, else the national text."""
    stored = session.get(AgencyGuide, agency.id)
    own = {"review_body": agency.review_body, "court": agency.court,
           "contact": "；".join(x for x in (agency.contact, agency.address) if x)}
    sections = []
    for key, title in SECTIONS.items():
        text = (getattr(stored, key) if stored else "") or own.get(key) or DEFAULTS.get(key, "")
        sections.append({"key": key, "title": title, "text": text})
    return {"agency_code": agency.code, "agency_name": agency.name, "sections": sections,
            "updated_at": stored.updated_at.isoformat() if stored else None}


def platform_agencies(session: Session) -> list[dict]:
    """Every agency this deployment serves (a city platform: the applicant picks the right one)."""
    rows = session.exec(select(Agency).order_by(Agency.code)).all()
    return [{"code": a.code, "name": a.name} for a in rows]


def update_guide(session: Session, actor: Actor, code: str, inputs: dict, origin: Origin = Origin()) -> dict:
    """The agency administrator rewrites the guide (every section as given); logged with before/after."""
    data = parse(GuideIn, inputs)
    with begin_write(session):
        agency = agency_by_code(session, code)  # the agencies are public (the platform lists them)
        if not actor.platform_admin and agency.id not in actor.admin_of():
            raise Forbidden("只有本机关的机关管理员可以修改申请指南")
        guide = session.get(AgencyGuide, agency.id) or AgencyGuide(agency_id=agency.id)
        before = {k: getattr(guide, k) for k in SECTIONS}
        for key, value in data.model_dump().items():
            setattr(guide, key, value)
        guide.updated_at, guide.updated_by_id = datetime.now(timezone.utc), actor.user_id
        session.add(guide)
        changed = {k: [before[k], v] for k, v in data.model_dump().items() if before[k] != v}
        record_admin_event(session, actor, "guide_update", agency_id=agency.id, target=agency.code,
                           details={"changes": changed}, ip=origin.ip, user_agent=origin.user_agent)
    return guide_of(session, agency)

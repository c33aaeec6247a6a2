"""登记 and 审核: what registration checks and records, start_review, split, accept; and the applicant's
withdrawal. (Registration is written by ``engine.registration``: it creates the case.)"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from ..case import Act, Case, local_today
from ..change import Change
from ..errors import InputError
from ..eventdef import FormField, Inputs, declare, declared, move
from ..models import ApplicantDetails, Application
from ..models.applicant import (APPLICANT_KINDS, ID_TYPES, LEGAL_SUBTYPES, PRINCIPAL_CAPACITIES, REPRESENTATIVE_KINDS,
                                normalised_id_number)
from ..plausibility import Implausible, check_email, check_id_number, check_phone, check_postcode, labelled
from ..states import OPEN_STATES

FORMS = {"paper": "纸质", "electronic": "电子文档", "other": "其他"}
DELIVERIES = {"post": "邮寄", "email": "电子邮件", "online": "网上获取", "pickup": "当面领取", "fax": "传真"}
# 条例 art 27: a request for disclosure; art 41: a request to correct a record about the applicant.
REQUEST_KINDS = {"disclosure": "政府信息公开申请", "correction": "政府信息更正申请（条例第四十一条）"}
MAX_CO_APPLICANTS = 50


def one_of(choices: dict[str, str], what: str) -> AfterValidator:
    """A code that must be one of ``choices``; the refusal lists them in Chinese with their codes."""

    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"“{what}”应为：" + "、".join(choices.values()))
        return value

    return AfterValidator(check)


def text(label: str, max_length: int, check=None, *, required: bool = False) -> AfterValidator:
    """A bounded text field whose refusals name it by its Chinese label (engine.plausibility)."""
    return AfterValidator(labelled(label, check, max_length=max_length, required=required))


def plausible_id(value: str, info: ValidationInfo) -> str:
    """The identity number checked for its document type — GB 11643 / GB 32100 where the document type has one (birth dates up to the registering day)."""
    today = (info.context or {}).get("today") or local_today()
    try:
        return check_id_number(info.data.get("id_type"), value, today)
    except Implausible as exc:
        raise ValueError(f"“{ID_TYPES.get(info.data.get('id_type'), '证件')}号码”{exc}") from None


class ApplicantIn(Inputs):
    kind: Annotated[str, one_of(APPLICANT_KINDS, "申请人类型")] = Field(title="申请人类型")
    subtype: str | None = Field(default=None, title="组织类别")
    name: Annotated[str, text("姓名或名称", 200, required=True)] = Field(title="姓名或名称")
    id_type: Annotated[str, one_of(ID_TYPES, "证件类型")] = Field(title="证件类型")
    id_number: Annotated[str, text("证件号码", 64, required=True)] = Field(title="证件号码")
    phone: Annotated[str, text("联系电话", 64, check_phone)] = Field(default="", title="联系电话")
    email: Annotated[str, text("电子邮箱", 200, check_email)] = Field(default="", title="电子邮箱")
    address: Annotated[str, text("通信地址", 300)] = Field(default="", title="通信地址")
    postcode: Annotated[str, text("邮政编码", 16, check_postcode)] = Field(default="", title="邮政编码")

    _plausible_id = field_validator("id_number")(plausible_id)


class RepresentativeIn(Inputs):
    """委托代理人 (with the power of attorney) or 法定代理人 (the guardian of a minor or of an adult without
    full capacity), acting for the applicant. The applicant stays the principal: letters name them."""

    kind: Annotated[str, one_of(REPRESENTATIVE_KINDS, "代理人类型")] = Field(title="代理人类型")
    name: Annotated[str, text("代理人姓名", 200, required=True)] = Field(title="代理人姓名")
    id_type: Annotated[str, one_of(ID_TYPES, "代理人证件类型")] = Field(title="代理人证件类型")
    id_number: Annotated[str, text("代理人证件号码", 64, required=True)] = Field(title="代理人证件号码")
    phone: Annotated[str, text("代理人联系电话", 64, check_phone)] = Field(default="", title="代理人联系电话")
    address: Annotated[str, text("代理人通信地址", 300)] = Field(default="", title="代理人通信地址")
    postcode: Annotated[str, text("代理人邮政编码", 16, check_postcode)] = Field(default="", title="代理人邮政编码")
    # agent: the power of attorney (date, scope); guardian: the guardianship (relation, proof)
    authority: Annotated[str, text("代理权限或监护关系", 500, required=True)] = Field(title="代理权限或监护关系")
    principal_capacity: str | None = Field(default=None, title="被代理人情况")  # guardian: minor | incapacitated

    _plausible_id = field_validator("id_number")(plausible_id)


class CoApplicantIn(Inputs):
    """Another applicant of a joint application (共同申请人); the contact is the first applicant's."""

    kind: Annotated[str, one_of(APPLICANT_KINDS, "共同申请人类型")] = Field(title="共同申请人类型")
    subtype: str | None = Field(default=None, title="组织类别")
    name: Annotated[str, text("共同申请人姓名或名称", 200, required=True)] = Field(title="共同申请人姓名或名称")
    id_type: Annotated[str, one_of(ID_TYPES, "共同申请人证件类型")] = Field(title="共同申请人证件类型")
    id_number: Annotated[str, text("共同申请人证件号码", 64, required=True)] = Field(title="共同申请人证件号码")

    _plausible_id = field_validator("id_number")(plausible_id)


class RegisterIn(Inputs):
    applicant: ApplicantIn = Field(title="申请人")
    representative: RepresentativeIn | None = Field(default=None, title="代理人")
    co_applicants: list[CoApplicantIn] = Field(default_factory=list, max_length=MAX_CO_APPLICANTS, title="共同申请人")
    request_kind: Annotated[str, one_of(REQUEST_KINDS, "申请类型")] = Field(default="disclosure", title="申请类型")
    evidence: Annotated[str, text("证明材料", 4000)] = Field(default="", title="证明记录不准确的证据")
    channel: str = Field(title="收件渠道")
    channel_facts: dict[str, str | date] = Field(title="收件情况")
    request_text: Annotated[str, text("所需信息的描述", 20000, required=True)] = Field(title="所需信息的描述")
    purpose: Annotated[str, text("用途", 2000)] = Field(default="", title="用途")
    form_wanted: Annotated[str, one_of(FORMS, "获取信息的形式")] = Field(title="获取信息的形式")
    delivery_wanted: Annotated[str, one_of(DELIVERIES, "获取信息的途径")] = Field(title="获取信息的途径")
    confirm: bool = Field(default=False, title="确认收到日期无误")  # a receipt more than a year back


REGISTER = declared("register", "登记", roles={"clerk"}, inputs=RegisterIn, listed=False)


def check_applicant(a: ApplicantIn) -> None:
    if a.kind == "legal":
        if a.subtype not in LEGAL_SUBTYPES:
            raise InputError(f"法人或其他组织须注明类别：{'、'.join(LEGAL_SUBTYPES.values())}", field="applicant.subtype")
    elif a.subtype:
        raise InputError("自然人不填写组织类别", field="applicant.subtype")
    if not (a.phone or a.email or a.address):
        raise InputError("须提供至少一种联系方式（电话、电子邮箱或通信地址）", field="applicant.phone")


def check_registration(data: RegisterIn, today: date | None = None) -> None:
    """The applicant, the representative, the joint applicants and an art 41 request's evidence."""
    check_applicant(data.applicant)
    rep = data.representative
    if rep is not None:
        if rep.kind == "guardian":
            if data.applicant.kind != "natural":
                raise InputError("法定代理人只能代理自然人（未成年人或者无完全民事行为能力的成年人）",
                                 field="representative.kind")
            if rep.principal_capacity not in PRINCIPAL_CAPACITIES:
                raise InputError("法定代理人代为申请的，须注明被代理人是：" + "、".join(
                    f"{v}（{k}）" for k, v in PRINCIPAL_CAPACITIES.items()), field="representative.principal_capacity")
            if rep.principal_capacity == "minor" and adult_by_id(data.applicant, today or local_today()):
                raise InputError("按申请人的居民身份证号码，申请人已年满十八周岁，不是未成年人（民法典第十七条）；"
                                 "成年人无完全民事行为能力的，被代理人情况选“incapacitated”", field="representative.principal_capacity")
        elif rep.principal_capacity:
            raise InputError("委托代理人不填写被代理人情况（仅法定代理人填写）", field="representative.principal_capacity")
        if (rep.id_type, normalised_id_number(rep.id_number)) == (data.applicant.id_type,
                                                                   normalised_id_number(data.applicant.id_number)):
            raise InputError("代理人不能是申请人本人", field="representative.id_number")
    seen = {(data.applicant.id_type, normalised_id_number(data.applicant.id_number))}
    for i, co in enumerate(data.co_applicants):
        if co.kind == "legal" and co.subtype not in LEGAL_SUBTYPES:
            raise InputError(f"法人或其他组织须注明类别：{'、'.join(LEGAL_SUBTYPES.values())}",
                             field=f"co_applicants.{i}.subtype")
        if co.kind != "legal" and co.subtype:
            raise InputError("自然人不填写组织类别", field=f"co_applicants.{i}.subtype")
        key = (co.id_type, normalised_id_number(co.id_number))
        if key in seen:
            raise InputError(f"共同申请人“{co.name}”的证件与其他申请人重复", field=f"co_applicants.{i}.id_number")
        seen.add(key)
    if data.request_kind == "correction" and not data.evidence.strip():
        raise InputError("要求更正与本人相关的政府信息，须说明证明该信息记录不准确的证据（条例第四十一条）",
                         field="evidence")
    if data.request_kind != "correction" and data.evidence.strip():
        raise InputError("只有更正申请（条例第四十一条）填写证明材料", field="evidence")


def adult_by_id(a: ApplicantIn, today: date) -> bool:
    """Whether a resident identity number's birth date makes its holder 18 or older today."""
    if a.id_type != "resident_id" or len(a.id_number) != 18:
        return False
    born = date(int(a.id_number[6:10]), int(a.id_number[10:12]), int(a.id_number[12:14]))
    return (today.year - born.year - ((today.month, today.day) < (born.month, born.day))) >= 18


def representative_record(rep: RepresentativeIn | None) -> dict | None:
    """As stored with the application (the identity number normalised; masked in every answer)."""
    if rep is None:
        return None
    return {**rep.model_dump(), "id_number": normalised_id_number(rep.id_number)}


def details_as_given(application_id: int | None, data: ApplicantIn, registration: RegisterIn | None = None
                     ) -> ApplicantDetails:
    """The applicant's name, kind and contact as given on this application (kept with it for good), with
    the representative and the joint applicants named on it."""
    extra = {}
    if registration is not None:
        extra = {"representative": representative_record(registration.representative),
                 "co_applicants": [{**co.model_dump(), "id_number": normalised_id_number(co.id_number)}
                                   for co in registration.co_applicants]}
    return ApplicantDetails(application_id=application_id,
                            **data.model_dump(include={"kind", "subtype", "name", "phone", "email", "address",
                                                       "postcode"}), **extra)


# -- review ------------------------------------------------------------------------------------------


class StartReviewIn(Inputs):
    handling_clerk_id: int | None = Field(default=None, title="承办人")


@declare("start_review", "开始审核", moves=[move("registered", "reviewing")], roles={"clerk"}, inputs=StartReviewIn)
def start_review(case: Case, data: StartReviewIn, act: Act) -> Change:
    clerk = data.handling_clerk_id or act.actor.user_id
    # the acting clerk: the grants were read when the user was authenticated
    acting_clerk = clerk == act.actor.user_id and "clerk" in act.actor.roles_in(case.agency)
    if not acting_clerk and not case.history.is_agency_clerk(clerk):
        raise InputError("承办人须为本机关的经办人", field="handling_clerk_id")
    return Change().set_app(handling_clerk_id=clerk)


@declare("accept", "受理办理", moves=[move("reviewing", "handling")], roles={"clerk"})
def accept(case: Case, data, act: Act) -> Change:
    return Change()


class SplitIn(Inputs):
    parts: list[str] = Field(min_length=2, max_length=50, title="拆分后的各项")

    @field_validator("parts")
    @classmethod
    def _parts(cls, v: list[str]) -> list[str]:
        parts = [p.strip() for p in v]
        if any(not p for p in parts):
            raise ValueError("拆分后的每一项都须写明所需信息")
        return parts


def correction_record(app: Application) -> dict:
    """A part split off after a correction is the corrected application: its answer clock restarts
    where the original's did, and it has had its one correction (art 30)."""
    return {"correction_requested_on": app.correction_requested_on, "correction_items": list(app.correction_items),
            "correction_period_days": app.correction_period_days,
            "correction_notice_served_on": app.correction_notice_served_on,
            "correction_received_on": app.correction_received_on}


@declare("split", "拆分申请", moves=[move("reviewing", "=")], roles={"clerk"}, inputs=SplitIn,
         form=[FormField("parts", "lines")])
def split(case: Case, data: SplitIn, act: Act) -> Change:
    """一事一申请: the first part stays here, each other part becomes a sibling with its own number,
    the same receipt and the same correction (``correction_record``)."""
    app = case.app
    change = Change().set_app(request_text=data.parts[0])
    siblings = []
    for text in data.parts[1:]:
        sib = Application(
            agency_id=app.agency_id, applicant_id=app.applicant_id, parent_id=app.id, channel=app.channel,
            channel_facts=dict(app.channel_facts), received_date=app.received_date, request_text=text,
            purpose=app.purpose, form_wanted=app.form_wanted, delivery_wanted=app.delivery_wanted,
            request_kind=app.request_kind, evidence=app.evidence, status="reviewing", registered_by_id=act.actor.user_id, handling_clerk_id=app.handling_clerk_id,
            **correction_record(app),
        )
        siblings.append(change.spawn(sib, {"split_from": app.number, "request_text": text}))
    change.note("siblings", siblings)
    return change


class WithdrawIn(Inputs):
    withdrawn_on: date = Field(title="撤回日期")
    note: str = Field(default="", max_length=2000, title="说明")


@declare("withdraw", "申请人撤回", moves=[move(OPEN_STATES, "closed")], roles={"clerk"}, inputs=WithdrawIn,
         form=[FormField("withdrawn_on", "date"), FormField("note")], example={"withdrawn_on": "2026-11-20"})
def withdraw(case: Case, data: WithdrawIn, act: Act) -> Change:
    """The applicant withdraws: the case concludes, and what it left open ends with it (recorded), so the
    case can be archived."""
    act.check_date(data.withdrawn_on, "撤回日期", not_before=case.app.received_date, not_before_what="收到申请之日")
    change = Change(reason=data.note, effective_date=data.withdrawn_on)
    change.set_app(outcome="withdrawn", concluded_on=data.withdrawn_on)
    closed = []
    for c in case.consultations():
        if c.status == "open":
            change.set(c, status="closed", result="withdrawn", reply_received_on=data.withdrawn_on)
            closed.append(c.id)
    cancelled = []
    for fee in case.fees():
        if fee.status in ("proposed", "approved"):
            change.set(fee, status="cancelled", closed_on=data.withdrawn_on, reason="申请人撤回申请")
            cancelled.append(fee.id)
    if closed or cancelled:
        change.note("ended_with_withdrawal", {"consultations": closed, "fees": cancelled})
    return change

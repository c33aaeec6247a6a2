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
from ..models.applicant import APPLICANT_KINDS, ID_TYPES, LEGAL_SUBTYPES
from ..plausibility import Implausible, check_email, check_id_number, check_phone, check_postcode, labelled
from ..states import OPEN_STATES

FORMS = {"paper": "纸质", "electronic": "电子文档", "other": "其他"}
DELIVERIES = {"post": "邮寄", "email": "电子邮件", "online": "网上获取", "pickup": "当面领取", "fax": "传真"}


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

    @field_validator("id_number")
    @classmethod
    def _plausible_id(cls, value: str, info: ValidationInfo) -> str:
        """GB 11643 / GB 32100 where the document type has one (birth dates up to the registering day)."""
        today = (info.context or {}).get("today") or local_today()
        try:
            return check_id_number(info.data.get("id_type"), value, today)
        except Implausible as exc:
            raise ValueError(f"“{ID_TYPES.get(info.data.get('id_type'), '证件')}号码”{exc}") from None


class RegisterIn(Inputs):
    applicant: ApplicantIn = Field(title="申请人")
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


def details_as_given(application_id: int | None, data: ApplicantIn) -> ApplicantDetails:
    """The applicant's name, kind and contact as given on this application (kept with it for good)."""
    return ApplicantDetails(application_id=application_id,
                            **data.model_dump(include={"kind", "subtype", "name", "phone", "email", "address",
                                                       "postcode"}))


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
            status="reviewing", registered_by_id=act.actor.user_id, handling_clerk_id=app.handling_clerk_id,
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

"""登记 and 审核: register, start_review, split, accept; and the applicant's withdrawal."""

from __future__ import annotations

from datetime import date, datetime, timezone

from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, field_validator
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from calendars import CalendarRegistry

from ..actors import Actor
from ..calendar_registry import get_registry
from ..db import begin_write
from ..errors import InputError, NotFound
from ..models import Agency, Applicant, ApplicantDetails, Application, RoleGrant
from ..models.applicant import APPLICANT_KINDS, ID_TYPES, LEGAL_SUBTYPES, normalised_id_number
from ..numbering import next_number, tracking_number
from ..plausibility import Implausible, check_email, check_id_number, check_phone, check_postcode, labelled
from ..receipt import CHANNELS, confirm_old_receipt, derive_receipt_date
from ..signals import registration_signals
from ..validation import parse
from .pipeline import Ctx, Inputs, handler, local_today, pick_role, record_event, refresh_clock_cache

FORMS = {"paper": "纸质", "electronic": "电子文档", "other": "其他"}
DELIVERIES = {"post": "邮寄", "email": "电子邮件", "online": "网上获取", "pickup": "当面领取", "fax": "传真"}


def one_of(choices: dict[str, str], what: str) -> AfterValidator:
    """A code that must be one of ``choices``; the refusal lists them in Chinese with their codes."""

    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"{what}应为：" + "、".join(f"{label}（{code}）" for code, label in choices.items()))
        return value

    return AfterValidator(check)


def text(label: str, max_length: int, check=None, *, required: bool = False) -> AfterValidator:
    """A bounded text field whose refusals name it by its Chinese label (engine.plausibility)."""
    return AfterValidator(labelled(label, check, max_length=max_length, required=required))


class ApplicantIn(Inputs):
    kind: Annotated[str, one_of(APPLICANT_KINDS, "申请人类型")]
    subtype: str | None = None
    name: Annotated[str, text("姓名或名称", 200, required=True)]
    id_type: Annotated[str, one_of(ID_TYPES, "证件类型")]
    id_number: Annotated[str, text("证件号码", 64, required=True)]
    phone: Annotated[str, text("联系电话", 64, check_phone)] = ""
    email: Annotated[str, text("电子邮箱", 200, check_email)] = ""
    address: Annotated[str, text("通信地址", 300)] = ""
    postcode: Annotated[str, text("邮政编码", 16, check_postcode)] = ""

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
    applicant: ApplicantIn
    channel: str
    channel_facts: dict[str, str | date]
    request_text: Annotated[str, text("所需信息的描述", 20000, required=True)]
    purpose: Annotated[str, text("用途", 2000)] = ""
    form_wanted: Annotated[str, one_of(FORMS, "获取信息的形式")]
    delivery_wanted: Annotated[str, one_of(DELIVERIES, "获取信息的途径")]
    confirm: bool = False  # a receipt more than a year back, confirmed by the clerk


def _check_applicant(a: ApplicantIn) -> None:
    if a.kind == "legal":
        if a.subtype not in LEGAL_SUBTYPES:
            raise InputError(f"法人或其他组织须注明类别：{'、'.join(LEGAL_SUBTYPES.values())}", field="applicant.subtype")
    elif a.subtype:
        raise InputError("自然人不填写组织类别", field="applicant.subtype")
    if not (a.phone or a.email or a.address):
        raise InputError("须提供至少一种联系方式（电话、电子邮箱或通信地址）", field="applicant.phone")


def find_or_create_applicant(session: Session, agency_id: int, data: ApplicantIn) -> Applicant:
    """The identity document is the identity within the registering agency: the same number there is
    the same applicant; another agency's record of the same number is never read or written."""
    number = normalised_id_number(data.id_number)
    query = select(Applicant).where(Applicant.agency_id == agency_id, Applicant.id_type == data.id_type,
                                    Applicant.id_number == number)
    found = session.exec(query).first()
    if found is None:
        try:
            with session.begin_nested():  # a concurrent registration may create the same applicant
                found = Applicant(agency_id=agency_id, id_type=data.id_type, id_number=number)
                session.add(found)
        except IntegrityError:
            found = session.exec(query).one()
    return found


def details_as_given(application_id: int, data: ApplicantIn) -> ApplicantDetails:
    """The applicant's name, kind and contact as given on this application (kept with it for good)."""
    return ApplicantDetails(application_id=application_id,
                            **data.model_dump(include={"kind", "subtype", "name", "phone", "email", "address",
                                                       "postcode"}))


def register(
    session: Session, actor: Actor, agency_id: int, inputs: dict, *,
    today: date | None = None, registry: CalendarRegistry | None = None,
) -> tuple[Application, dict]:
    """登记 (art 29 contents checked; receipt date derived by channel; tracking number allocated)."""
    from .pipeline import Ctx as _Ctx

    today = today or local_today()
    registry = registry or get_registry()
    with begin_write(session):
        agency = session.get(Agency, agency_id)
        if agency is None or not actor.can_see(agency):
            raise NotFound("机关不存在")
        role = pick_role(actor, agency, frozenset({"clerk"}), "登记")
        data = parse(RegisterIn, inputs, context={"today": today})
        _check_applicant(data.applicant)
        received, facts = derive_receipt_date(data.channel, data.channel_facts, today)
        confirm_old_receipt(received, today, data.confirm, field=f"channel_facts.{CHANNELS[data.channel][1]}")
        applicant = find_or_create_applicant(session, agency.id, data.applicant)
        n = next_number(session, agency.id, "tracking", received.year)
        app = Application(
            agency_id=agency.id,
            number=tracking_number(agency.options.tracking_format, agency.code, received.year, n),
            applicant_id=applicant.id, channel=data.channel, channel_facts=facts, received_date=received,
            request_text=data.request_text, purpose=data.purpose, form_wanted=data.form_wanted,
            delivery_wanted=data.delivery_wanted, status="registered", registered_by_id=actor.user_id,
        )
        ctx = _Ctx(session, actor, role, app, agency, today, datetime.now(timezone.utc), registry, {})
        refresh_clock_cache(ctx)  # before the insert, so the row is written once (version 1)
        session.add(app)
        session.flush()
        ctx.details = details_as_given(app.id, data.applicant)
        session.add(ctx.details)
        signals = registration_signals(session, app, agency)
        if agency.options.acknowledgement_letter:
            ctx.draft_letter("acknowledgement", {})
        ctx.notes["signals"] = signals
        record_event(ctx, "register", None, "registered", data, {})
        session.flush()
    return app, signals


# -- review ------------------------------------------------------------------------------------------


class StartReviewIn(Inputs):
    handling_clerk_id: int | None = None


def _agency_clerk(ctx: Ctx, user_id: int) -> int:
    if user_id == ctx.actor.user_id and "clerk" in ctx.actor.roles_in(ctx.agency):
        return user_id  # the acting clerk: the grants were read when the user was authenticated
    grant = ctx.session.exec(
        select(RoleGrant).where(RoleGrant.user_id == user_id, RoleGrant.agency_id == ctx.agency.id,
                                RoleGrant.role == "clerk")
    ).first()
    if grant is None:
        raise InputError("承办人须为本机关的经办人", field="handling_clerk_id")
    return user_id


@handler("start_review", {"clerk"}, StartReviewIn)
def start_review(ctx: Ctx, data: StartReviewIn) -> None:
    ctx.app.handling_clerk_id = _agency_clerk(ctx, data.handling_clerk_id or ctx.actor.user_id)


@handler("accept", {"clerk"})
def accept(ctx: Ctx, data) -> None:
    pass


class SplitIn(Inputs):
    parts: list[str] = Field(min_length=2, max_length=50)

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


@handler("split", {"clerk"}, SplitIn)
def split(ctx: Ctx, data: SplitIn) -> None:
    """一事一申请: the first part stays here, each other part becomes a sibling with its own number,
    the same receipt and the same correction (``correction_record``)."""
    app = ctx.app
    app.request_text = data.parts[0]
    siblings = []
    for text in data.parts[1:]:
        n = next_number(ctx.session, ctx.agency.id, "tracking", app.received_date.year)
        sib = Application(
            agency_id=app.agency_id,
            number=tracking_number(ctx.opts.tracking_format, ctx.agency.code, app.received_date.year, n),
            applicant_id=app.applicant_id, parent_id=app.id, channel=app.channel,
            channel_facts=dict(app.channel_facts), received_date=app.received_date, request_text=text,
            purpose=app.purpose, form_wanted=app.form_wanted, delivery_wanted=app.delivery_wanted,
            status="reviewing", registered_by_id=ctx.actor.user_id, handling_clerk_id=app.handling_clerk_id,
            **correction_record(app),
        )
        sib_ctx = Ctx(ctx.session, ctx.actor, ctx.role, sib, ctx.agency, ctx.today, ctx.now, ctx.registry, {})
        refresh_clock_cache(sib_ctx)
        ctx.session.add(sib)
        ctx.session.flush()
        given = ctx.applicant()  # the sibling is the same application: the same details as given
        ctx.session.add(ApplicantDetails(**given.model_dump(exclude={"application_id"}), application_id=sib.id))
        sib_ctx.notes["split_from"] = app.number
        record_event(sib_ctx, "split", None, "reviewing", {"split_from": app.number, "request_text": text}, {})
        siblings.append(sib.number)
    ctx.notes["siblings"] = siblings


class WithdrawIn(Inputs):
    withdrawn_on: date
    note: str = Field(default="", max_length=2000)


@handler("withdraw", {"clerk"}, WithdrawIn)
def withdraw(ctx: Ctx, data: WithdrawIn) -> None:
    """The applicant withdraws: the case concludes, and what it left open ends with it (recorded), so the
    case can be archived."""
    ctx.check_date(data.withdrawn_on, "撤回日期", not_before=ctx.app.received_date, not_before_what="收到申请之日")
    ctx.app.outcome = "withdrawn"
    ctx.app.concluded_on = data.withdrawn_on
    ctx.effective_date = data.withdrawn_on
    ctx.reason = data.note
    closed = []
    for c in ctx.consultations():
        if c.status == "open":
            c.status, c.result, c.reply_received_on = "closed", "withdrawn", data.withdrawn_on
            closed.append(c.id)
    cancelled = []
    for fee in ctx.fees():
        if fee.status in ("proposed", "approved"):
            fee.status, fee.closed_on, fee.reason = "cancelled", data.withdrawn_on, "申请人撤回申请"
            cancelled.append(fee.id)
    if closed or cancelled:
        ctx.notes["ended_with_withdrawal"] = {"consultations": closed, "fees": cancelled}

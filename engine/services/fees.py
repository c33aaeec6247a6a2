"""Fee events (spec fees.md "The approval gate"): the amount is computed, never typed; approval by the
competent department (or the head where no external 核准 is required), never by the proposer; only an
approved fee produces a 收费通知书; the answer clock pauses while it is unpaid (configurable)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from pydantic import Field, field_validator
from sqlmodel import func, select

from ..app_clock import PAYMENT_DAYS, deadline_after
from ..errors import InputError
from ..fees import per_item, per_volume, rule_as_data
from ..models import Agency, Application, FeeAssessment
from ..signals import month_bounds, same_identity
from .pipeline import Ctx, Inputs, handler

ACTIVE = ("proposed", "approved", "paid")
METHOD_ZH = {"per_item": "按件计收", "per_volume": "按量计收"}


def item_position(ctx: Ctx) -> int:
    """The application's position among the applicant's applications this calendar month (by receipt).
    Scope "agency": this agency's applicant record. Scope "all": the same identity document at every
    agency of the deployment — only the resulting position is used and recorded, nothing else about
    the other agencies' applications (see docs/deployment.md)."""
    app = ctx.app
    start, end = month_bounds(app.received_date)
    applicants = [app.applicant_id] if ctx.opts.fee_count_scope == "agency" else same_identity(app.applicant_id, None)
    stmt = select(func.count()).select_from(Application).where(
        Application.applicant_id.in_(applicants),
        Application.received_date >= start, Application.received_date < end,
        (Application.received_date < app.received_date)
        | ((Application.received_date == app.received_date) & (Application.id <= app.id)),
    )
    return ctx.session.exec(stmt).one()


def quote_for(ctx: Ctx, method: str, pages: int | None):
    """The quote under the agency's configured bands; the bands used are recorded with the assessment."""
    if method == "per_item":
        if pages is not None:
            raise InputError("按件计收不填写页数", field="pages")
        position, rule = item_position(ctx), ctx.opts.item_rule()
        return per_item(position, rule), {"position": position, "scope": ctx.opts.fee_count_scope,
                                          "rule": rule_as_data(rule)}
    if pages is None:
        raise InputError("按量计收须填写提供的页数", field="pages")
    rule = ctx.opts.volume_rule()
    return per_volume(pages, rule), {"pages": pages, "page_rule": ctx.opts.fee_page_rule, "rule": rule_as_data(rule)}


class ProposeFeeIn(Inputs):
    method: str = Field(pattern="^(per_item|per_volume)$")
    pages: int | None = Field(default=None)

    @field_validator("pages", mode="before")
    @classmethod
    def _pages(cls, v):
        if v is None:
            return v
        if isinstance(v, bool) or (isinstance(v, float) and not v.is_integer()) or (isinstance(v, str) and not v.strip().isdigit()):
            raise ValueError("页数应为正整数")
        v = int(v)
        if v <= 0:
            raise ValueError("页数应为正整数")
        return v


def _clock_running(ctx: Ctx) -> None:
    view = ctx.clock()
    if view.due is not None and ctx.today > view.due:
        ctx.refuse(f"答复期限已于{view.due}届满：收费通知只能在办理期限内发出")


@handler("propose_fee", {"clerk"}, ProposeFeeIn, precheck=_clock_running)
def propose_fee(ctx: Ctx, data: ProposeFeeIn) -> None:
    earlier = [f for f in ctx.fees() if f.status not in ("rejected",)]
    if any(f.status in ("proposed", "approved") for f in earlier):
        ctx.refuse("本申请已有待处理的收费，不能重复提出")
    if any(f.method != data.method and f.status != "waived" for f in earlier):
        ctx.refuse("同一申请只能选择一种计收方式，不能按件和按量同时收费")
    if any(f.status == "paid" for f in earlier):
        ctx.refuse("本申请已缴费，不能再次收费")
    quote, basis = quote_for(ctx, data.method, data.pages)
    if quote.amount <= 0:
        ctx.refuse(f"按{METHOD_ZH[data.method]}计算应收0元，不收取信息处理费")
    fee = FeeAssessment(
        application_id=ctx.app.id, agency_id=ctx.agency.id, method=data.method, units=quote.units,
        amount_fen=quote.amount_fen, breakdown=quote.as_dict()["lines"], basis={**basis, "explain": quote.explain()},
        proposed_by_id=ctx.actor.user_id, proposed_on=ctx.today,
    )
    ctx.add(fee)
    ctx.notes["fee"] = {"id": fee.id, "amount": quote.amount, "method": data.method}


def approver_roles(agency: Agency) -> frozenset[str]:
    return frozenset({"supervisor"}) if agency.options.fee_approval_by_supervisor else frozenset({"head"})


def _pending(ctx: Ctx, status: str) -> FeeAssessment:
    fees = [f for f in ctx.fees() if f.status == status]
    if not fees:
        ctx.refuse("没有待处理的收费")
    return fees[-1]


def _can_approve(ctx: Ctx) -> None:
    _clock_running(ctx)
    if ctx.opts.fee_approval_by_supervisor:
        # 核准 is the competent department's: a supervisor grant held in this agency itself (which its own
        # admin can give) is not one.
        department = ctx.agency.competent_department_id
        if department is None:
            ctx.refuse("本机关未设置主管部门，收费无法报请核准；请平台管理员设置主管部门")
        if (department, "supervisor") not in ctx.actor.grants:
            ctx.refuse("收费须由本机关的主管部门核准")
    fee = _pending(ctx, "proposed")
    if fee.proposed_by_id == ctx.actor.user_id:
        ctx.refuse("提出收费的人不能核准自己的收费")


def parse_yuan(value: object, field: str) -> int:
    """元 with at most two decimals → integer 分."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(f"金额“{value}”不是有效数字", field=field) from None
    if amount != amount.quantize(Decimal("0.01")) or amount <= 0:
        raise InputError(f"金额应为正数且最多两位小数，收到 {value}", field=field)
    return int(amount * 100)


class ApproveFeeIn(Inputs):
    approved_amount: str | int | None = None
    note: str = Field(default="", max_length=2000)


@handler("approve_fee", set(), ApproveFeeIn, precheck=_can_approve, roles_for=approver_roles)
def approve_fee(ctx: Ctx, data: ApproveFeeIn) -> None:
    fee = _pending(ctx, "proposed")
    amount = fee.amount_fen if data.approved_amount is None else parse_yuan(data.approved_amount, "approved_amount")
    if amount > fee.amount_fen:
        ctx.refuse(f"核准金额 {amount / 100:.2f} 元超过提出的金额 {fee.amount_fen / 100:.2f} 元")
    fee.status, fee.approved_by_id, fee.approved_amount_fen, fee.approved_on = "approved", ctx.actor.user_id, amount, ctx.today
    # the payment period runs from the applicant's receipt of the notice (record_service sets it)
    ctx.reason = data.note
    ctx.notes["fee"] = {"id": fee.id, "approved_amount_fen": amount}
    ctx.draft_letter("fee_notice", {
        "fee_id": fee.id, "method": fee.method, "method_label": METHOD_ZH[fee.method], "units": fee.units,
        "lines": fee.breakdown, "explain": fee.basis.get("explain", []), "amount_fen": amount,
        "amount_yuan": f"{amount / 100:.2f}", "payment_days": PAYMENT_DAYS,
        "reduced": amount < fee.amount_fen, "payment_instructions": ctx.opts.fee_payment_instructions,
    })


class ReasonIn(Inputs):
    reason: str = Field(min_length=1, max_length=2000)


def _has_open_fee(ctx: Ctx) -> None:
    if not [f for f in ctx.fees() if f.status in ("proposed", "approved")]:
        ctx.refuse("没有待处理的收费")


def _close_fee(ctx: Ctx, status: str, reason: str) -> None:
    fee = [f for f in ctx.fees() if f.status in ("proposed", "approved")][-1]
    fee.status, fee.closed_on, fee.reason = status, ctx.today, reason
    ctx.reason = reason
    ctx.notes["fee"] = {"id": fee.id, "status": status}


@handler("reject_fee", set(), ReasonIn, precheck=_has_open_fee, roles_for=lambda a: approver_roles(a) | {"head"})
def reject_fee(ctx: Ctx, data: ReasonIn) -> None:
    _close_fee(ctx, "rejected", data.reason)


@handler("waive_fee", set(), ReasonIn, precheck=_has_open_fee, roles_for=lambda a: approver_roles(a) | {"head"})
def waive_fee(ctx: Ctx, data: ReasonIn) -> None:
    _close_fee(ctx, "waived", data.reason)


class PaymentIn(Inputs):
    amount: str | int
    receipt_number: str = Field(min_length=1, max_length=64)
    paid_on: date


def take_payment(ctx: Ctx, fee: FeeAssessment, data: PaymentIn) -> None:
    """The billed amount, paid on a day between the approval and today: the fee is paid."""
    paid = parse_yuan(data.amount, "amount")
    if paid != fee.approved_amount_fen:
        ctx.refuse(f"缴费金额 {paid / 100:.2f} 元与收费通知的金额 {fee.approved_amount_fen / 100:.2f} 元不一致")
    ctx.check_date(data.paid_on, "缴费日期", not_before=fee.approved_on, not_before_what="核准日期")
    fee.status, fee.paid_amount_fen, fee.receipt_number, fee.paid_on, fee.closed_on = (
        "paid", paid, data.receipt_number, data.paid_on, data.paid_on)
    ctx.effective_date = data.paid_on
    ctx.notes["fee"] = {"id": fee.id, "paid_fen": paid}


@handler("record_payment", {"clerk"}, PaymentIn)
def record_payment(ctx: Ctx, data: PaymentIn) -> None:
    """A payment within the period (109号); paid after it, the application is deemed abandoned unless
    the head accepts it with good cause (``excuse_late_payment``)."""
    fee = _pending(ctx, "approved")
    due = payment_due(ctx, fee)
    if due is not None and data.paid_on > due:
        ctx.refuse(f"缴费期限已于{due}届满，逾期缴费视为放弃申请（国办函〔2020〕109号）；确有正当理由的，"
                   f"由负责人“准予逾期缴费”并写明理由")
    take_payment(ctx, fee, data)


def payment_due(ctx: Ctx, fee: FeeAssessment) -> date | None:
    """20 working days from the applicant's receipt of the fee notice; None while it is not served."""
    if fee.notice_served_on is None:
        return None
    return deadline_after(ctx.registry, ctx.agency, fee.notice_served_on, PAYMENT_DAYS)[0]


def _payment_over(ctx: Ctx) -> None:
    fees = [f for f in ctx.fees() if f.status == "approved"]
    if not fees:
        ctx.refuse("没有待缴的收费")
    due = payment_due(ctx, fees[-1])
    if due is None:
        ctx.refuse("收费通知尚未送达，缴费期限尚未起算")
    if ctx.today <= due:
        ctx.refuse(f"缴费期限至{due}，尚未届满")


@handler("payment_lapsed", {"system", "clerk"}, precheck=_payment_over)
def payment_lapsed(ctx: Ctx, data) -> None:
    fee = [f for f in ctx.fees() if f.status == "approved"][-1]
    due = payment_due(ctx, fee)
    fee.status, fee.closed_on = "lapsed", due
    ctx.app.outcome = "fee_unpaid"
    ctx.app.concluded_on = due
    ctx.effective_date = due
    ctx.draft_letter("termination_notice", {"cause": "fee_unpaid", "period_end": due.isoformat()})

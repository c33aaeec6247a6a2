"""Fee events (spec fees.md "The approval gate"): the amount is computed, never typed; approval by the
competent department (or the head where no external 核准 is required), never by the proposer; only an
approved fee produces a 收费通知书; the answer clock pauses while it is unpaid (configurable)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from pydantic import Field, field_validator

from calendars import CalendarRegistry

from ..app_clock import PAYMENT_DAYS, deadline_after
from ..case import Act, Case
from ..change import Change
from ..errors import InputError, Refused
from ..eventdef import FormField, Inputs, declare, move
from ..fees import per_item, per_volume, rule_as_data
from ..models import Agency, FeeAssessment

ACTIVE = ("proposed", "approved", "paid")
METHOD_ZH = {"per_item": "按件计收", "per_volume": "按量计收"}


def quote_for(case: Case, method: str, pages: int | None):
    """The quote under the agency's configured bands; the bands used are recorded with the assessment.
    Per item: the application's position among the applicant's applications this calendar month (scope
    "agency": this agency's applicant record; "all": the same identity document at every agency — only
    the position is used and recorded, see docs/deployment.md)."""
    opts = case.opts
    if method == "per_item":
        if pages is not None:
            raise InputError("按件计收不填写页数", field="pages")
        position, rule = case.history.applicant_month_position(opts.fee_count_scope), opts.item_rule()
        return per_item(position, rule), {"position": position, "scope": opts.fee_count_scope,
                                          "rule": rule_as_data(rule)}
    if pages is None:
        raise InputError("按量计收须填写提供的页数", field="pages")
    rule = opts.volume_rule()
    return per_volume(pages, rule), {"pages": pages, "page_rule": opts.fee_page_rule, "rule": rule_as_data(rule)}


class ProposeFeeIn(Inputs):
    method: str = Field(pattern="^(per_item|per_volume)$", title="计收方式")
    pages: int | None = Field(default=None, title="页数（按量计收）")

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


def clock_running(case: Case, act: Act) -> None:
    view = case.clock(act)
    if view.due is not None and act.today > view.due:
        raise Refused(f"答复期限已于{view.due}届满：收费通知只能在办理期限内发出")


def no_fee_yet(case: Case, act: Act) -> None:
    earlier = [f for f in case.fees() if f.status != "rejected"]
    if any(f.status in ("proposed", "approved") for f in earlier):
        raise Refused("本申请已有待处理的收费，不能重复提出")
    if any(f.status == "paid" for f in earlier):
        raise Refused("本申请已缴费，不能再次收费")


@declare("propose_fee", "提出收费", moves=[move("handling", "awaiting_fee_approval")], roles={"clerk"},
         inputs=ProposeFeeIn, guards=[clock_running, no_fee_yet],
         form=[FormField("method", "select", (("per_volume", "按量计收"), ("per_item", "按件计收"))),
               FormField("pages", "number")],
         example={"method": "per_volume", "pages": 250})
def propose_fee(case: Case, data: ProposeFeeIn, act: Act) -> Change:
    if any(f.method != data.method and f.status not in ("waived", "rejected") for f in case.fees()):
        raise Refused("同一申请只能选择一种计收方式，不能按件和按量同时收费")
    quote, basis = quote_for(case, data.method, data.pages)
    if quote.amount <= 0:
        raise Refused(f"按{METHOD_ZH[data.method]}计算应收0元，不收取信息处理费")
    fee = FeeAssessment(
        application_id=case.app.id, agency_id=case.agency.id, method=data.method, units=quote.units,
        amount_fen=quote.amount_fen, breakdown=quote.as_dict()["lines"], basis={**basis, "explain": quote.explain()},
        proposed_by_id=act.actor.user_id, proposed_on=act.today,
    )
    change = Change()
    change.note("fee", {"id": change.add(fee), "amount": quote.amount, "method": data.method})
    return change


def approver_roles(agency: Agency) -> frozenset[str]:
    return frozenset({"supervisor"}) if agency.options.fee_approval_by_supervisor else frozenset({"head"})


def pending(case: Case, status: str) -> FeeAssessment:
    fees = [f for f in case.fees() if f.status == status]
    if not fees:
        raise Refused("没有待处理的收费")
    return fees[-1]


def can_approve(case: Case, act: Act) -> None:
    clock_running(case, act)
    if case.opts.fee_approval_by_supervisor:
        # 核准 is the competent department's: a supervisor grant held in this agency itself (which its own
        # admin can give) is not one.
        department = case.agency.competent_department_id
        if department is None:
            raise Refused("本机关未设置主管部门，收费无法报请核准；请平台管理员设置主管部门")
        if (department, "supervisor") not in act.actor.grants:
            raise Refused("收费须由本机关的主管部门核准")
    if pending(case, "proposed").proposed_by_id == act.actor.user_id:
        raise Refused("提出收费的人不能核准自己的收费")


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
    approved_amount: str | int | None = Field(default=None, title="核准金额（元，不填为全额）")
    note: str = Field(default="", max_length=2000, title="意见")


@declare("approve_fee", "核准收费", moves=[move("awaiting_fee_approval", "awaiting_payment")], inputs=ApproveFeeIn,
         guards=[can_approve], roles_for=approver_roles,
         form=[FormField("approved_amount"), FormField("note")], example={"approved_amount": "4700"})
def approve_fee(case: Case, data: ApproveFeeIn, act: Act) -> Change:
    fee = pending(case, "proposed")
    amount = fee.amount_fen if data.approved_amount is None else parse_yuan(data.approved_amount, "approved_amount")
    if amount > fee.amount_fen:
        raise Refused(f"核准金额 {amount / 100:.2f} 元超过提出的金额 {fee.amount_fen / 100:.2f} 元")
    # the payment period runs from the applicant's receipt of the notice (record_service sets it)
    change = Change().set(fee, status="approved", approved_by_id=act.actor.user_id, approved_amount_fen=amount,
                          approved_on=act.today)
    change.reason = data.note
    change.note("fee", {"id": fee.id, "approved_amount_fen": amount})
    change.draft_letter("fee_notice", {
        "fee_id": fee.id, "method": fee.method, "method_label": METHOD_ZH[fee.method], "units": fee.units,
        "lines": fee.breakdown, "explain": fee.basis.get("explain", []), "amount_fen": amount,
        "amount_yuan": f"{amount / 100:.2f}", "payment_days": PAYMENT_DAYS,
        "reduced": amount < fee.amount_fen, "payment_instructions": case.opts.fee_payment_instructions,
    })
    return change


class ReasonIn(Inputs):
    reason: str = Field(min_length=1, max_length=2000, title="理由")


def has_open_fee(case: Case, act: Act) -> None:
    if not [f for f in case.fees() if f.status in ("proposed", "approved")]:
        raise Refused("没有待处理的收费")


def close_fee(case: Case, status: str, reason: str, act: Act) -> Change:
    fee = [f for f in case.fees() if f.status in ("proposed", "approved")][-1]
    change = Change().set(fee, status=status, closed_on=act.today, reason=reason)
    change.reason = reason
    change.note("fee", {"id": fee.id, "status": status})
    return change


FEE_CLOSERS = {"moves": [move(["awaiting_fee_approval", "awaiting_payment"], "handling")], "inputs": ReasonIn,
               "guards": [has_open_fee], "roles_for": lambda a: approver_roles(a) | {"head"},
               "form": [FormField("reason", "textarea")]}


@declare("reject_fee", "不予核准收费", **FEE_CLOSERS)
def reject_fee(case: Case, data: ReasonIn, act: Act) -> Change:
    return close_fee(case, "rejected", data.reason, act)


@declare("waive_fee", "减免收费", **FEE_CLOSERS)
def waive_fee(case: Case, data: ReasonIn, act: Act) -> Change:
    return close_fee(case, "waived", data.reason, act)


class PaymentIn(Inputs):
    amount: str | int = Field(title="缴费金额（元）")
    receipt_number: str = Field(min_length=1, max_length=64, title="财政票据号")
    paid_on: date = Field(title="缴费日期")


PAYMENT_FORM = (FormField("amount"), FormField("receipt_number"), FormField("paid_on", "date"))


def take_payment(change: Change, fee: FeeAssessment, data: PaymentIn, act: Act) -> Change:
    """The billed amount, paid on a day between the approval and today: the fee is paid."""
    paid = parse_yuan(data.amount, "amount")
    if paid != fee.approved_amount_fen:
        raise Refused(f"缴费金额 {paid / 100:.2f} 元与收费通知的金额 {fee.approved_amount_fen / 100:.2f} 元不一致")
    act.check_date(data.paid_on, "缴费日期", not_before=fee.approved_on, not_before_what="核准日期")
    change.set(fee, status="paid", paid_amount_fen=paid, receipt_number=data.receipt_number, paid_on=data.paid_on,
               closed_on=data.paid_on)
    change.effective_date = data.paid_on
    change.note("fee", {"id": fee.id, "paid_fen": paid})
    return change


def has_approved_fee(case: Case, act: Act) -> None:
    pending(case, "approved")


@declare("record_payment", "登记缴费", moves=[move("awaiting_payment", "handling")], roles={"clerk"},
         inputs=PaymentIn, guards=[has_approved_fee], form=PAYMENT_FORM,
         example={"amount": "4700", "receipt_number": "财政票据 No.0012345", "paid_on": "2026-11-25"})
def record_payment(case: Case, data: PaymentIn, act: Act) -> Change:
    """A payment within the period (109号); paid after it, the application is deemed abandoned unless
    the head accepts it with good cause (``excuse_late_payment``)."""
    fee = pending(case, "approved")
    due = payment_due(act.registry, case.agency, fee)
    if due is not None and data.paid_on > due:
        raise Refused(f"缴费期限已于{due}届满，逾期缴费视为放弃申请（国办函〔2020〕109号）；确有正当理由的，"
                      f"由负责人“准予逾期缴费”并写明理由")
    return take_payment(Change(), fee, data, act)


def payment_due(registry: CalendarRegistry, agency: Agency, fee: FeeAssessment,
                served_on: date | None = None) -> date | None:
    """20 working days from the applicant's receipt of the fee notice (or its dispatch, under the agency's
    rule: ``payment_period_from``); None while the period has not started."""
    served = served_on or fee.payment_period_from
    if served is None:
        return None
    return deadline_after(registry, agency, served, PAYMENT_DAYS)[0]


def payment_over(case: Case, act: Act) -> None:
    fees = [f for f in case.fees() if f.status == "approved"]
    if not fees:
        raise Refused("没有待缴的收费")
    due = payment_due(act.registry, case.agency, fees[-1])
    if due is None:
        raise Refused("收费通知尚未送达，缴费期限尚未起算")
    if act.today <= due:
        raise Refused(f"缴费期限至{due}，尚未届满")


@declare("payment_lapsed", "逾期未缴费", moves=[move("awaiting_payment", "closed")], roles={"system", "clerk"},
         guards=[payment_over])
def payment_lapsed(case: Case, data, act: Act) -> Change:
    fee = [f for f in case.fees() if f.status == "approved"][-1]
    due = payment_due(act.registry, case.agency, fee)
    change = Change().set(fee, status="lapsed", closed_on=due).set_app(outcome="fee_unpaid", concluded_on=due)
    change.effective_date = due
    change.draft_letter("termination_notice", {"cause": "fee_unpaid", "period_end": due.isoformat()})
    return change

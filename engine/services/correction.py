"""补正 (art 30): request once within 7 working days; the answer clock restarts on the corrected
application; no correction within the period → deemed abandoned."""

from __future__ import annotations

from datetime import date

from pydantic import Field, field_validator
from sqlmodel import select

from ..app_clock import correction_notice_deadline, correction_period_end
from ..errors import InputError
from ..models import Application, Event
from ..receipt import derive_receipt_date
from .pipeline import Ctx, Inputs, handler


class RequestCorrectionIn(Inputs):
    items: list[str] = Field(min_length=1, max_length=50)
    period_days: int | None = Field(default=None, ge=1, le=60)
    notice_served_on: date | None = None

    @field_validator("items")
    @classmethod
    def _items(cls, v: list[str]) -> list[str]:
        items = [x.strip() for x in v]
        if any(not x for x in items):
            raise ValueError("每一项补正内容都须写明")
        return items


def correction_family(ctx: Ctx) -> list[int]:
    """The application as the applicant sent it: this one, the one it was split from and every part
    split off either (一事一申请 divides one application; it is still corrected only once)."""
    root = ctx.app
    while root.parent_id is not None:
        parent = ctx.session.get(Application, root.parent_id)
        if parent is None:
            break
        root = parent
    family, frontier = [root.id], [root.id]
    while frontier:
        frontier = list(ctx.session.exec(select(Application.id).where(Application.parent_id.in_(frontier))).all())
        family += frontier
    return family


def _correction_allowed(ctx: Ctx) -> None:
    asked = ctx.session.exec(
        select(Event.id).where(Event.application_id.in_(correction_family(ctx)), Event.name == "request_correction")
    ).first()
    if asked is not None or ctx.app.correction_requested_on is not None:
        ctx.refuse("已告知过补正（含拆分前的原申请及拆分出的各项申请）：补正应一次性告知（条例第三十条），不能再次要求补正")
    last_day = correction_notice_deadline(ctx.registry, ctx.app, ctx.agency)
    if ctx.today > last_day:
        ctx.refuse(f"告知补正的期限（收到申请之日起7个工作日）已于{last_day}届满，不能再要求补正")


@handler("request_correction", {"clerk"}, RequestCorrectionIn, precheck=_correction_allowed)
def request_correction(ctx: Ctx, data: RequestCorrectionIn) -> None:
    app = ctx.app
    app.correction_requested_on = ctx.today
    app.correction_items = data.items
    app.correction_period_days = data.period_days or ctx.opts.correction_period_days
    if data.notice_served_on:
        ctx.check_date(data.notice_served_on, "补正告知书送达日期", not_before=ctx.today, not_before_what="告知日期")
    app.correction_notice_served_on = data.notice_served_on
    ctx.draft_letter("correction_notice", {
        "items": data.items, "period_days": app.correction_period_days,
    })


class ReceiveCorrectionIn(Inputs):
    channel: str
    channel_facts: dict[str, str | date]
    corrected_text: str | None = Field(default=None, max_length=20000)


def correction_received_on(ctx: Ctx, data: ReceiveCorrectionIn) -> date:
    """The correction's receipt date by channel (art 31), never before the notice."""
    received, _ = derive_receipt_date(data.channel, data.channel_facts, ctx.today)
    if received < ctx.app.correction_requested_on:
        raise InputError(f"补正材料收到日期 {received} 早于告知补正日期 {ctx.app.correction_requested_on}",
                         field="channel_facts")
    return received


def take_correction(ctx: Ctx, data: ReceiveCorrectionIn, received: date) -> None:
    app = ctx.app
    app.correction_received_on = received  # the answer clock restarts here
    if data.corrected_text:
        app.request_text = data.corrected_text
    ctx.effective_date = received


@handler("receive_correction", {"clerk"}, ReceiveCorrectionIn)
def receive_correction(ctx: Ctx, data: ReceiveCorrectionIn) -> None:
    received = correction_received_on(ctx, data)
    end = correction_period_end(ctx.registry, ctx.app, ctx.agency)
    if end and received > end:
        ctx.refuse(f"补正期限已于{end}届满，申请视为放弃（条例第三十条）；确有正当理由逾期补正的，"
                   f"由负责人“准予逾期补正”并写明理由")
    take_correction(ctx, data, received)


def _lapse_due(ctx: Ctx) -> None:
    end = correction_period_end(ctx.registry, ctx.app, ctx.agency)
    if end is None or ctx.today <= end:
        ctx.refuse(f"补正期限尚未届满（届满日 {end}）")


@handler("correction_lapsed", {"system", "clerk"}, precheck=_lapse_due)
def correction_lapsed(ctx: Ctx, data) -> None:
    end = correction_period_end(ctx.registry, ctx.app, ctx.agency)
    ctx.app.outcome = "no_correction"
    ctx.app.concluded_on = end
    ctx.effective_date = end  # the legal date, not the sweep's
    ctx.draft_letter("termination_notice", {"cause": "no_correction", "period_end": end.isoformat()})


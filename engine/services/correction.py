"""补正 (art 30): request once within 7 working days; the answer clock restarts on the corrected
application; no correction within the period → deemed abandoned."""

from __future__ import annotations

from datetime import date

from pydantic import Field, field_validator

from ..app_clock import correction_notice_deadline, correction_period_end
from ..case import Act, Case
from ..change import Change
from ..errors import InputError, Refused
from ..eventdef import FormField, Inputs, declare, move
from ..receipt import CHANNELS, derive_receipt_date

CHANNEL_CHOICES = tuple((k, v[0]) for k, v in CHANNELS.items())


class RequestCorrectionIn(Inputs):
    items: list[str] = Field(min_length=1, max_length=50, title="需补正的事项")
    period_days: int | None = Field(default=None, ge=1, le=60, title="补正期限（工作日）")
    notice_served_on: date | None = Field(default=None, title="补正告知书送达日期")

    @field_validator("items")
    @classmethod
    def _items(cls, v: list[str]) -> list[str]:
        items = [x.strip() for x in v]
        if any(not x for x in items):
            raise ValueError("每一项补正内容都须写明")
        return items


def correction_allowed(case: Case, act: Act) -> None:
    if case.app.correction_requested_on is not None or case.history.correction_requested_in_family():
        raise Refused("已告知过补正（含拆分前的原申请及拆分出的各项申请）：补正应一次性告知（条例第三十条），不能再次要求补正")
    last_day = correction_notice_deadline(act.registry, case.app, case.agency)
    if act.today > last_day:
        raise Refused(f"告知补正的期限（收到申请之日起7个工作日）已于{last_day}届满，不能再要求补正")


@declare("request_correction", "告知补正", moves=[move("reviewing", "awaiting_correction")], roles={"clerk"},
         inputs=RequestCorrectionIn, guards=[correction_allowed],
         form=[FormField("items", "lines"), FormField("period_days", "number")],
         example={"items": ["请写明所需文件的名称或文号"], "period_days": 15})
def request_correction(case: Case, data: RequestCorrectionIn, act: Act) -> Change:
    if data.notice_served_on:
        act.check_date(data.notice_served_on, "补正告知书送达日期", not_before=act.today, not_before_what="告知日期")
    days = data.period_days or case.opts.correction_period_days
    change = Change().set_app(correction_requested_on=act.today, correction_items=data.items,
                              correction_period_days=days, correction_notice_served_on=data.notice_served_on)
    change.draft_letter("correction_notice", {"items": data.items, "period_days": days})
    return change


class ReceiveCorrectionIn(Inputs):
    channel: str = Field(title="补正材料收件渠道")
    channel_facts: dict[str, str | date] = Field(title="收件情况")
    corrected_text: str | None = Field(default=None, max_length=20000, title="补正后的申请内容")


CORRECTION_FORM = (FormField("channel", "select", CHANNEL_CHOICES),
                   FormField("received_on", "date", label="收到日期"),
                   FormField("corrected_text", "textarea", label="补正后的申请内容（可选）"))


def correction_received_on(case: Case, data: ReceiveCorrectionIn, act: Act) -> date:
    """The correction's receipt date by channel (art 31), never before the notice."""
    received, _ = derive_receipt_date(data.channel, data.channel_facts, act.today)
    if received < case.app.correction_requested_on:
        raise InputError(f"补正材料收到日期 {received} 早于告知补正日期 {case.app.correction_requested_on}",
                         field="channel_facts")
    return received


def take_correction(change: Change, data: ReceiveCorrectionIn, received: date) -> Change:
    change.set_app(correction_received_on=received)  # the answer clock restarts here
    if data.corrected_text:
        change.set_app(request_text=data.corrected_text)
    change.effective_date = received
    return change


@declare("receive_correction", "收到补正", moves=[move("awaiting_correction", "reviewing")], roles={"clerk"},
         inputs=ReceiveCorrectionIn, form=CORRECTION_FORM,
         example={"channel": "email", "channel_facts": {"mail_received": "2026-11-20"}})
def receive_correction(case: Case, data: ReceiveCorrectionIn, act: Act) -> Change:
    received = correction_received_on(case, data, act)
    end = correction_period_end(act.registry, case.app, case.agency)
    if end and received > end:
        raise Refused(f"补正期限已于{end}届满，申请视为放弃（条例第三十条）；确有正当理由逾期补正的，"
                      f"由负责人“准予逾期补正”并写明理由")
    return take_correction(Change(), data, received)


def correction_period_over(case: Case, act: Act) -> None:
    end = correction_period_end(act.registry, case.app, case.agency)
    if end is None or act.today <= end:
        raise Refused(f"补正期限尚未届满（届满日 {end}）")


@declare("correction_lapsed", "逾期未补正", moves=[move("awaiting_correction", "closed")], roles={"system", "clerk"},
         guards=[correction_period_over])
def correction_lapsed(case: Case, data, act: Act) -> Change:
    end = correction_period_end(act.registry, case.app, case.agency)
    change = Change().set_app(outcome="no_correction", concluded_on=end)
    change.effective_date = end  # the legal date, not the sweep's
    change.draft_letter("termination_notice", {"cause": "no_correction", "period_end": end.isoformat()})
    return change

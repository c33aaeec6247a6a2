"""The clocks of one application, assembled from its record, consultations and fees (deadlines.md §4).

Computed with the official calendar; when a year is missing the answer falls back to the provisional
calendar and says so (``provisional``) — a letter never prints such a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from calendars import CalendarNotAvailable, CalendarRegistry, WorkingCalendar

from . import clock
from .models import Agency, AgencySettings, Application, Consultation, FeeAssessment
from .states import CONCLUDED_STATES

CONSULTATION_DAYS = 15
PAYMENT_DAYS = 20
CORRECTION_NOTICE_DAYS = 7


@dataclass(frozen=True)
class ClockView:
    state: str  # running | paused | stopped
    spec: clock.ClockSpec
    computed: clock.ClockState
    status: clock.ClockStatus | None  # None when stopped
    calendar: WorkingCalendar

    @property
    def due(self) -> date | None:
        return self.computed.due

    @property
    def provisional(self) -> bool:
        return self.computed.provisional or bool(self.status and self.status.provisional)

    def explain(self) -> list[dict]:
        return clock.explain(self.calendar, self.spec, self.computed)

    def as_dict(self, with_explanation: bool = False) -> dict:
        out = {
            "state": self.state,
            "received": self.computed.received.isoformat(),
            "day0": self.computed.day0.isoformat(),
            "working_days": self.spec.limit,
            "extension": self.spec.extension,
            "due": self.due.isoformat() if self.due else None,
            "paused": self.computed.paused,
            "paused_since": self.computed.paused_since.isoformat() if self.computed.paused_since else None,
            "provisional": self.provisional,
            "days_left": self.status.days_left if self.status else None,
            "overdue": bool(self.status and self.status.overdue),
            "light": self.status.light if self.status else None,
            "summary": self.status.summary_zh if self.status else "计时已停止",
        }
        if with_explanation:
            out["explanation"] = self.explain()
        return out


def lights_for(agency: Agency) -> clock.TrafficLights:
    opts = agency.options
    return clock.TrafficLights(yellow=opts.traffic_yellow, orange=opts.traffic_orange)


def answer_pauses(consultations: list[Consultation], fees: list[FeeAssessment], opts: AgencySettings) -> tuple[clock.Pause, ...]:
    pauses = []
    for c in consultations:
        if c.party_received_on is None:
            continue  # the letter has not reached the party: nothing paused yet
        kind = "征求第三方意见" if c.kind == "third_party" else "征求其他机关意见"
        # Not counted: at most the statutory 15 working days from the party's receipt, however late the
        # reply came (arts 32, 34).
        ends = c.reply_received_on if c.reply_received_on is None else min(c.reply_received_on, c.reply_due)
        pauses.append(clock.Pause(c.party_received_on, ends, f"{kind}：{c.party}"))
    if opts.fee_pauses_clock:
        for f in fees:
            # from the applicant's receipt of the fee notice, not the internal approval (109号)
            if f.notice_served_on is not None:
                pauses.append(clock.Pause(f.notice_served_on, f.closed_on, "收费通知未缴费"))
    return tuple(pauses)


def answer_spec(app: Application, agency: Agency, consultations: list[Consultation], fees: list[FeeAssessment]) -> clock.ClockSpec:
    opts = agency.options
    return clock.ClockSpec(
        received=app.received_date,
        limit=clock.ANSWER_LIMIT,
        pauses=answer_pauses(consultations, fees, opts),
        restart=app.correction_received_on,
        extension=app.extension_days,
        later_due=app.later_due_date,
        roll_non_working=opts.roll_non_working_receipt,
    )


def compute_with_fallback(registry: CalendarRegistry, agency: Agency, spec: clock.ClockSpec) -> tuple[WorkingCalendar, clock.ClockState]:
    cal = registry.calendar(agency.region)
    try:
        return cal, clock.compute(cal, spec)
    except CalendarNotAvailable:
        cal = registry.calendar(agency.region, provisional=True)
        return cal, clock.compute(cal, spec)


def answer_clock(
    registry: CalendarRegistry, app: Application, agency: Agency,
    consultations: list[Consultation], fees: list[FeeAssessment], today: date,
) -> ClockView:
    spec = answer_spec(app, agency, consultations, fees)
    cal, state = compute_with_fallback(registry, agency, spec)
    if app.status in CONCLUDED_STATES or app.status == "awaiting_correction":
        return ClockView("stopped", spec, state, None, cal)
    lights = lights_for(agency)
    if state.due is not None and today.year not in cal.known_years:
        cal = registry.calendar(agency.region, provisional=True)
    try:
        st = clock.status(cal, state, today, lights)
    except CalendarNotAvailable:
        cal = registry.calendar(agency.region, provisional=True)
        st = clock.status(cal, state, today, lights)
    return ClockView("paused" if state.paused else "running", spec, state, st, cal)


def deadline_after(registry: CalendarRegistry, agency: Agency, day0: date, days: int) -> tuple[date, bool]:
    """A simple N-working-day period (correction notice, consultation, payment): (due, provisional)."""
    cal = registry.calendar(agency.region)
    try:
        due = cal.add_working_days(day0, days)
        return due, cal.span_is_provisional(day0, due)  # a region's layer missing for that year
    except CalendarNotAvailable:
        return registry.calendar(agency.region, provisional=True).add_working_days(day0, days), True


def correction_notice_deadline(registry: CalendarRegistry, app: Application, agency: Agency) -> date:
    """The last day a correction may be requested: 7 WD from day 0 (the original receipt)."""
    cal, state = compute_with_fallback(
        registry, agency,
        clock.ClockSpec(app.received_date, CORRECTION_NOTICE_DAYS,
                        roll_non_working=agency.options.roll_non_working_receipt),
    )
    return state.due  # type: ignore[return-value]


def correction_period_end(registry: CalendarRegistry, app: Application, agency: Agency) -> date | None:
    """The correction period runs from the applicant's receipt of the notice (art 30): no service
    recorded, no period — and so no lapse."""
    start = app.correction_notice_served_on
    if start is None or app.correction_period_days is None:
        return None
    return deadline_after(registry, agency, start, app.correction_period_days)[0]

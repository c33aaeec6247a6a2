"""Every event of the workflow, collected from the concept modules' declarations — the one table the
state machine, the labels, the actions on offer, the API's request bodies and the workbench's forms are
read from."""

from __future__ import annotations

from ..eventdef import EventDef, declared
from . import (amendment, closing, consultation, correction, decision, documents, extension, fees, intake,
               late_exceptions, letter_records, reasons, redaction, review_cases)

_MODULES = (intake, amendment, correction, reasons, consultation, fees, late_exceptions, extension, decision, closing,
            letter_records, review_cases, documents, redaction)

# Written outside ``fire``: the calendar recomputation's audit event (engine.calendar_change).
RECOMPUTE_DEADLINE = declared("recompute_deadline", "重新计算期限", roles={"system"}, record_only=True, listed=False)

EVENTS: dict[str, EventDef] = {
    intake.REGISTER.name: intake.REGISTER,
    **{fn.event.name: fn.event for m in _MODULES for fn in vars(m).values() if hasattr(fn, "event")},
    RECOMPUTE_DEADLINE.name: RECOMPUTE_DEADLINE,
}
EVENT_LABELS: dict[str, str] = {name: e.label for name, e in EVENTS.items()}
RECORD_EVENTS: tuple[str, ...] = tuple(name for name, e in EVENTS.items() if e.record_only)
FIRED: dict[str, EventDef] = {name: e for name, e in EVENTS.items() if e.decide is not None}

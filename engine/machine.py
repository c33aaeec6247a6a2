"""The state machine (library: transitions) — which event may move an application from where to where.

One ``Machine`` per thread holds the structure; an application is attached as a small adapter
(``StateHolder``) for the duration of one event (``add_model``/``remove_model``), because an ORM row
cannot be the machine's model itself. Guards that need data and give Chinese reasons live in the
services; the machine answers only "is this event defined from this state, and where does it lead".
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache

from transitions import Machine, MachineError

from .states import OPEN_STATES, STATES

ANY_OPEN = list(OPEN_STATES)

# (event, sources, dest) — dest "=" keeps the state. Conditional destinations list several rows; the
# first whose condition (a flag on the holder) holds wins.
TRANSITIONS: list[dict] = [
    {"trigger": "start_review", "source": "registered", "dest": "reviewing"},
    {"trigger": "split", "source": "reviewing", "dest": "="},
    {"trigger": "request_correction", "source": "reviewing", "dest": "awaiting_correction"},
    {"trigger": "receive_correction", "source": "awaiting_correction", "dest": "reviewing"},
    {"trigger": "correction_lapsed", "source": "awaiting_correction", "dest": "closed"},
    {"trigger": "accept", "source": "reviewing", "dest": "handling"},
    {"trigger": "ask_reasons", "source": ["reviewing", "handling"], "dest": "awaiting_reasons"},
    {"trigger": "accept_reasons", "source": "awaiting_reasons", "dest": "handling"},
    {"trigger": "reject_reasons", "source": "awaiting_reasons", "dest": "reply_drafting"},
    {"trigger": "start_consultation", "source": ["handling", "consulting"], "dest": "consulting"},
    {"trigger": "record_consultation_receipt", "source": "consulting", "dest": "="},
    {"trigger": "record_consultation_reply", "source": "consulting", "dest": "consulting",
     "conditions": "consultations_remain"},
    {"trigger": "record_consultation_reply", "source": "consulting", "dest": "handling"},
    {"trigger": "consultation_lapsed", "source": "consulting", "dest": "consulting",
     "conditions": "consultations_remain"},
    {"trigger": "consultation_lapsed", "source": "consulting", "dest": "handling"},
    {"trigger": "propose_fee", "source": "handling", "dest": "awaiting_fee_approval"},
    {"trigger": "approve_fee", "source": "awaiting_fee_approval", "dest": "awaiting_payment"},
    {"trigger": "reject_fee", "source": ["awaiting_fee_approval", "awaiting_payment"], "dest": "handling"},
    {"trigger": "waive_fee", "source": ["awaiting_fee_approval", "awaiting_payment"], "dest": "handling"},
    {"trigger": "record_payment", "source": "awaiting_payment", "dest": "handling"},
    {"trigger": "payment_lapsed", "source": "awaiting_payment", "dest": "closed"},
    # The head's justified exception to a lapsed period: before the lapse or after it closed the case.
    {"trigger": "excuse_late_correction", "source": ["awaiting_correction", "closed"], "dest": "reviewing"},
    {"trigger": "excuse_late_payment", "source": ["awaiting_payment", "closed"], "dest": "handling"},
    {"trigger": "request_extension", "source": ANY_OPEN, "dest": "="},
    {"trigger": "extend", "source": ANY_OPEN, "dest": "="},
    # From reply_drafting: the clerk changes the decision (e.g. after a legal send-back); the old draft is
    # voided and a releasing decision goes through the secrecy review again.
    {"trigger": "decide", "source": ["reviewing", "handling", "reply_drafting"], "dest": "secrecy_review",
     "conditions": "releases_information"},
    {"trigger": "decide", "source": ["reviewing", "handling", "reply_drafting"], "dest": "reply_drafting"},
    {"trigger": "pass_secrecy_review", "source": "secrecy_review", "dest": "reply_drafting"},
    {"trigger": "fail_secrecy_review", "source": "secrecy_review", "dest": "handling"},
    # A record event that moves: an edit of a releasing reply draft after the secrecy review voids that
    # review, the case goes back to it (otherwise edit_letter keeps the state, like every record event).
    {"trigger": "edit_letter", "source": "reply_drafting", "dest": "secrecy_review",
     "conditions": "secrecy_review_voided"},
    {"trigger": "legal_review", "source": ["reply_drafting", "replied"], "dest": "="},  # replied: a re-issued reply
    {"trigger": "sign_off", "source": "reply_drafting", "dest": "replied"},
    # Service is recorded for notices while open too (the correction and payment periods start there).
    {"trigger": "record_service", "source": [*ANY_OPEN, "replied", "closed"], "dest": "="},
    {"trigger": "withdraw", "source": ANY_OPEN, "dest": "closed"},
    {"trigger": "archive", "source": ["replied", "closed"], "dest": "archived"},
    {"trigger": "reopen", "source": ["replied", "archived"], "dest": "handling"},
]
EVENT_NAMES = sorted({t["trigger"] for t in TRANSITIONS})


@dataclass
class StateHolder:
    """What the machine sees of an application: its state and the flags conditional moves read."""

    state: str
    consultations_remain_flag: bool = False
    releases_information_flag: bool = False
    secrecy_review_voided_flag: bool = False

    def consultations_remain(self) -> bool:
        return self.consultations_remain_flag

    def releases_information(self) -> bool:
        return self.releases_information_flag

    def secrecy_review_voided(self) -> bool:
        return self.secrecy_review_voided_flag


logging.getLogger("transitions").setLevel(logging.WARNING)  # one INFO line per callback otherwise
_local = threading.local()


def _machine() -> Machine:
    machine = getattr(_local, "machine", None)
    if machine is None:
        machine = Machine(
            model=None, states=list(STATES), transitions=TRANSITIONS, initial=None,
            auto_transitions=False, ignore_invalid_triggers=False, send_event=False,
        )
        _local.machine = machine
    return machine


def sources_of(event: str) -> set[str]:
    return {s for s in STATES if _machine().get_transitions(trigger=event, source=s)}


# The machine never changes after import, so its answers are functions of their arguments: asked of
# the machine once per combination, then remembered (an event asks both on every call).
@lru_cache(maxsize=None)
def allowed_from(state: str, event: str) -> bool:
    return bool(_machine().get_transitions(trigger=event, source=state))


@lru_cache(maxsize=None)
def destinations(state: str, event: str) -> frozenset[str]:
    """Every state the event can lead to from here, whatever its conditions."""
    return frozenset(state if t.dest is None else t.dest
                     for t in _machine().get_transitions(trigger=event, source=state))


def events_from(state: str) -> list[str]:
    return sorted(set(_machine().get_triggers(state)))


@lru_cache(maxsize=None)
def next_state(state: str, event: str, *, consultations_remain: bool = False, releases_information: bool = False,
               secrecy_review_voided: bool = False) -> str:
    """Run the event on an adapter and return the destination; ValueError when not allowed here."""
    holder = StateHolder(state, consultations_remain, releases_information, secrecy_review_voided)
    machine = _machine()
    machine.add_model(holder, initial=state)
    try:
        ok = holder.trigger(event)
    except (MachineError, AttributeError) as exc:
        raise ValueError(f"event {event} not allowed from {state}") from exc
    finally:
        machine.remove_model(holder)
    if not ok:
        raise ValueError(f"event {event} refused from {state}")
    return holder.state

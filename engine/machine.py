"""The state machine (library: transitions) — which event may move an application from where to where,
as the events declare it (``EventDef.moves``).

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

from .services.catalog import EVENTS
from .states import STATES


def transition_table() -> list[dict]:
    """The ``transitions`` table, read from the events' declarations (``EventDef.moves``): one row per
    move; where an event has several moves from a state, the first whose condition holds wins."""
    rows = []
    for event in EVENTS.values():
        for m in event.moves:
            row = {"trigger": event.name, "source": list(m.sources), "dest": m.dest}
            if m.when:
                row["conditions"] = m.when
            rows.append(row)
    return rows


TRANSITIONS: list[dict] = transition_table()
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

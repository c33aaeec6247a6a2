"""How an event of the workflow is declared: once, in one ``EventDef``.

The state machine's transition table, the Chinese labels, what ``available_actions`` offers, the API's
request bodies and examples and the workbench's forms are all read from these declarations
(``engine.services.catalog`` collects them). Adding an event is one declaration plus its decision.

A decision is pure: ``decide(case, inputs, act) -> Change``. It reads the ``Case`` (loaded once per
event), never a session, and returns what changes or raises a ``Refused``/``InputError`` with its
Chinese reason. Guards are the refusals that do not depend on the inputs: they run before the decision
when an event is fired *and* when the actions a user may take are listed, so the two always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .validation import CleanModel

if TYPE_CHECKING:
    from .case import Act, Case
    from .change import Change
    from .models import Agency


class Inputs(CleanModel):
    """Base of every event's inputs: unknown fields and control characters are refused."""


class NoInputs(Inputs):
    pass


KEEP = "="  # a move that keeps the state


@dataclass(frozen=True)
class Move:
    """From ``sources`` to ``dest`` (``KEEP``: stay). Where an event has several moves from a state, the
    first whose ``when`` flag the decision raised wins (``transitions`` evaluates them in order)."""

    sources: tuple[str, ...]
    dest: str
    when: str | None = None


def move(sources: str | tuple[str, ...] | list[str], dest: str, when: str | None = None) -> Move:
    return Move((sources,) if isinstance(sources, str) else tuple(sources), dest, when)


@dataclass(frozen=True)
class FormField:
    """A field of the workbench form. The label is the input model's field title unless given (a form
    field that the web adapter folds into another input, e.g. a receipt date into ``channel_facts``).
    kind: text | textarea | date | number | select | lines | checkbox | letter (an issued letter) |
    draft (a letter draft) | consultation (an open consultation) | details (the decision's details)."""

    name: str
    kind: str = "text"
    choices: tuple[tuple[str, str], ...] | None = None
    label: str | None = None


Guard = Callable[["Case", "Act"], None]  # raises Refused with the reason; returns nothing when allowed
Decision = Callable[["Case", Any, "Act"], "Change"]


@dataclass(frozen=True)
class EventDef:
    name: str
    label: str
    moves: tuple[Move, ...]
    roles: frozenset[str]
    inputs: type[BaseModel]
    decide: Decision | None  # None: written by a writer of its own (registration, the calendar recompute)
    guards: tuple[Guard, ...] = ()
    roles_for: Callable[["Agency"], frozenset[str]] | None = None  # roles depending on agency settings
    record_only: bool = False  # changes records, not the state, unless a flag moves it (an edit voiding a review)
    listed: bool = True  # offered among the case's actions (per-letter events are offered on the letter)
    form: tuple[FormField, ...] = ()
    example: dict = field(default_factory=dict)
    advice: Callable[["Case", "Act"], str | None] | None = None  # why the user should do an allowed action now

    def allowed_roles(self, agency: "Agency") -> frozenset[str]:
        return self.roles_for(agency) if self.roles_for else self.roles

    def form_label(self, f: FormField) -> str:
        if f.label:
            return f.label
        info = self.inputs.model_fields.get(f.name)
        return (info.title if info and info.title else None) or f.name


def declare(name: str, label: str, *, moves: tuple[Move, ...] | list[Move] = (), roles: set[str] | frozenset[str] = frozenset(),
            inputs: type[BaseModel] = NoInputs, guards: tuple[Guard, ...] | list[Guard] = (),
            roles_for: Callable[["Agency"], frozenset[str]] | None = None, record_only: bool = False,
            listed: bool = True, form: tuple[FormField, ...] | list[FormField] = (), example: dict | None = None,
            advice: Callable[["Case", "Act"], str | None] | None = None):
    """Decorator: the decision function below it, with its event's declaration (``fn.event``)."""

    def register(fn: Decision) -> Decision:
        fn.event = EventDef(name, label, tuple(moves), frozenset(roles), inputs, fn, tuple(guards), roles_for,
                            record_only, listed, tuple(form), dict(example or {}), advice)
        return fn

    return register


def declared(name: str, label: str, **kw) -> EventDef:
    """An event written outside ``fire`` (its audit event has this name and label)."""
    return EventDef(name, label, tuple(kw.pop("moves", ())), frozenset(kw.pop("roles", ())),
                    kw.pop("inputs", NoInputs), None, **kw)

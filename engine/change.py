"""What a decision returns: the change to make, as data. The unit of work applies it.

``set_app``/``set`` are field updates (of the application, of one of its records), ``add`` a new record,
``draft_letter`` a letter to draft from the case as changed, ``freeze`` a draft to number, audit, render
and freeze. ``NewId(record)`` stands for the id a new record gets when it is inserted (a letter or a note
that refers to it). Notes go into the audit event (``changes._related``); ``flags`` are the conditions
the state machine's moves read (``Move.when``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class NewId:
    """A value of a record known only once the change is applied: its id (inserted), its 文号 (frozen)."""

    record: Any
    attr: str = "id"

    def resolve(self) -> Any:
        return getattr(self.record, self.attr)


def resolved(value: Any) -> Any:
    """``value`` with every ``NewId`` replaced by the id the record got."""
    if isinstance(value, NewId):
        return value.resolve()
    if isinstance(value, dict):
        return {k: resolved(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [resolved(v) for v in value]
    return value


@dataclass
class LetterDraft:
    type: str
    extra: dict
    outcome: str | None = None


@dataclass
class Freeze:
    letter: Any  # a Letter draft of the case
    series: str


@dataclass
class Change:
    app: dict[str, Any] = field(default_factory=dict)
    updates: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)
    new: list[Any] = field(default_factory=list)
    letters: list[LetterDraft] = field(default_factory=list)
    freezes: list[Freeze] = field(default_factory=list)
    reason: str = ""
    effective_date: date | None = None
    notes: dict[str, Any] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)
    spawned: list[Any] = field(default_factory=list)  # new applications this one gives rise to (a split)

    def set_app(self, **fields: Any) -> "Change":
        self.app.update(fields)
        return self

    def set(self, record: Any, **fields: Any) -> "Change":
        self.updates.append((record, fields))
        return self

    def add(self, record: Any) -> NewId:
        self.new.append(record)
        return NewId(record)

    def draft_letter(self, type_: str, extra: dict | None = None, outcome: str | None = None) -> LetterDraft:
        draft = LetterDraft(type_, dict(extra or {}), outcome)
        self.letters.append(draft)
        return draft

    def spawn(self, application: Any, inputs: dict) -> NewId:
        """A new application (its tracking number allocated and its first audit event written when applied)."""
        self.spawned.append((application, inputs))
        return NewId(application, "number")

    def freeze(self, letter: Any, series: str) -> "Change":
        self.freezes.append(Freeze(letter, series))
        return self

    def note(self, key: str, value: Any) -> "Change":
        self.notes[key] = value
        return self

    def app_value(self, case_app: Any, name: str) -> Any:
        """The application's field as it will be after this change (set here, or as loaded)."""
        return self.app[name] if name in self.app else getattr(case_app, name)

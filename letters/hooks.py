"""The letters side as the engine's ``LetterPort``: the legal audit before a letter is frozen and the
renderer (the engine never imports ``letters/``; the front ends hand this in)."""

from __future__ import annotations

from pathlib import Path

from calendars import CalendarRegistry
from engine.case import Case
from engine.models import Agency, Letter

from .audit import audit_letter
from .environment import load_templates
from .render import render_html, render_pdf


def templates_for(agency_code: str, override_root: Path | None):
    """The agency's override folder (``<root>/<code>``) when it exists, else the built-in templates."""
    if override_root:
        folder = Path(override_root) / agency_code
        if folder.is_dir():
            return load_templates(str(folder))
    return load_templates()


class LetterDesk:
    """Audits and renders letters for the engine (``engine.unit_of_work.LetterPort``)."""

    def __init__(self, override_root: Path | None = None) -> None:
        self.override_root = override_root

    def audit(self, case: Case, letter: Letter, registry: CalendarRegistry) -> list[dict]:
        return [f.as_dict() for f in audit_letter(letter, case, registry)]

    def render(self, agency: Agency, letter: Letter) -> tuple[bytes, str]:
        templates = templates_for(agency.code, self.override_root)
        html = render_html(letter.data, letter.addressee, letter_type=letter.type, outcome=letter.outcome,
                           templates=templates)
        return render_pdf(html, identifier=letter.number or str(letter.id)), templates.version

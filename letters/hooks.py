"""What the front ends hand to the engine for ``sign_off`` and ``issue_letter``: the legal audit and
the renderer (the engine never imports ``letters/``)."""

from __future__ import annotations

from pathlib import Path

from .audit import audit_letter, load_case
from .environment import load_templates
from .render import render_html, render_pdf


def templates_for(agency_code: str, override_root: Path | None):
    """The agency's override folder (``<root>/<code>``) when it exists, else the built-in templates."""
    if override_root:
        folder = Path(override_root) / agency_code
        if folder.is_dir():
            return load_templates(str(folder))
    return load_templates()


def make_hooks(override_root: Path | None = None) -> dict:
    def audit(ctx, letter) -> list[dict]:
        case = load_case(ctx.session, ctx.app, ctx.registry)
        return [f.as_dict() for f in audit_letter(letter, case)]

    def render(ctx, letter) -> tuple[bytes, str]:
        templates = templates_for(ctx.agency.code, override_root)
        html = render_html(letter.data, letter.addressee, letter_type=letter.type, outcome=letter.outcome,
                           templates=templates)
        return render_pdf(html, identifier=letter.number or str(letter.id)), templates.version

    return {"audit": audit, "render": render}


"""Letter data → HTML → PDF (WeasyPrint). The same inputs give byte-identical PDFs."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache

from markupsafe import Markup

from .environment import BUILTIN, LetterTemplates, load_templates
from .formatting import tidy_punctuation
from .legal import REMEDY_SUBJECT, remedy_paragraph

# The official faces first (installed by agencies that hold the licences), then the free fallbacks the
# setup installs. The AR PL TrueType faces keep subset PDFs small (a CFF CJK face such as Noto carries
# every glyph slot up to the highest one used: ~250 KB a page); Noto catches any character they lack.
FONTS = {
    "fangsong": '"仿宋_GB2312", "FangSong_GB2312", "FangSong", "仿宋", "AR PL UMing CN", "Noto Serif CJK SC", serif',
    "title": '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "小标宋", "AR PL UMing CN", "Noto Serif CJK SC", serif',
    "hei": '"黑体", "SimHei", "Noto Sans CJK SC", sans-serif',
    "kai": '"楷体_GB2312", "KaiTi_GB2312", "KaiTi", "楷体", "AR PL UKai CN", "Noto Serif CJK SC", serif',
    "song": '"宋体", "SimSun", "AR PL UMing CN", "Noto Serif CJK SC", serif',
}


def context(data: dict, addressee: str, *, draft: bool, letter_type: str = "reply") -> dict:
    decision = data.get("decision") or {}
    subject = REMEDY_SUBJECT.get(letter_type, "本答复")
    letter = {**data, "addressee": addressee}
    created = (data.get("issue_date") or data.get("drafted_on") or "2000-01-01") + "T00:00:00+08:00"
    return {
        "L": letter,
        "remedy": remedy_paragraph(data.get("agency") or {}, bool(decision.get("review_first")), subject),
        "fonts": {k: Markup(v) for k, v in FONTS.items()},  # our constants, used inside <style>
        "draft": draft,
        "created": created,
        "verify_qr": verification_qr(data.get("verify_url") or ""),
    }


@lru_cache(maxsize=64)
def verification_qr(url: str) -> str:
    """The verification address as a QR code (an SVG data URI; segno, BSD), or nothing without one."""
    if not url:
        return ""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=2, border=2)


def render_html(data: dict, addressee: str, *, letter_type: str, outcome: str | None, draft: bool = False,
                templates: LetterTemplates | None = None) -> str:
    templates = templates or load_templates()
    template = templates.template_for(letter_type, outcome)
    return tidy_punctuation(template.render(**context(data, addressee, draft=draft, letter_type=letter_type)))


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(html: str, *, identifier: str = "", pdf_a: bool = False) -> bytes:
    from weasyprint import HTML

    options: dict = {"pdf_identifier": hashlib.sha256(identifier.encode()).hexdigest()[:32].encode(),
                     "font_config": _font_config()}
    if pdf_a:
        options["pdf_variant"] = "pdf/a-3b"
    buf = io.BytesIO()
    HTML(string=html, base_url=str(BUILTIN)).write_pdf(buf, **options)
    return buf.getvalue()

"""Letter data → HTML → PDF (WeasyPrint). The same inputs give byte-identical PDFs."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from .environment import BUILTIN, LetterTemplates, load_templates
from .formatting import tidy_punctuation
from .legal import REMEDY_SUBJECT, remedy_paragraph

# The official faces first (installed by agencies that hold the licences), then the free fallbacks the
# setup installs. The AR PL TrueType faces keep subset PDFs small (a CFF CJK face such as Noto carries
# every glyph slot up to the highest one used: ~250 KB a page); Noto catches any character they lack.
# Fandol (GPL with the font exception; Debian's texlive-lang-chinese) is the free 仿宋 and a heavier 宋 for
# titles: used when put in the fonts directory, at ~100 KB a one-page reply (its outlines are dense).
FONTS = {
    "fangsong": '"仿宋_GB2312", "FangSong_GB2312", "FangSong", "仿宋", "FandolFang", "AR PL UMing CN", "Noto Serif CJK SC", serif',
    "title": '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "小标宋", "FandolSong", "AR PL UMing CN", "Noto Serif CJK SC", serif',
    "hei": '"黑体", "SimHei", "Noto Sans CJK SC", sans-serif',
    "kai": '"楷体_GB2312", "KaiTi_GB2312", "KaiTi", "楷体", "FandolKai", "AR PL UKai CN", "Noto Serif CJK SC", serif',
    "song": '"宋体", "SimSun", "AR PL UMing CN", "Noto Serif CJK SC", serif',
}


FONT_SUFFIXES = (".ttf", ".otf")


@lru_cache(maxsize=8)
def font_faces(folder: str | None) -> str:
    """``@font-face`` rules for every font file in the fonts directory (``OGI_LETTER_FONT_DIR``), under each
    family name the file gives itself (Chinese and English), so "方正小标宋简体" in the stacks above finds
    the agency's licensed file without installing it system-wide."""
    from fontTools.ttLib import TTFont, TTLibError

    if not folder or not Path(folder).is_dir():
        return ""
    rules = []
    for path in sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in FONT_SUFFIXES):
        try:
            font = TTFont(path, lazy=True)
            names = {str(r.toUnicode()).strip() for r in font["name"].names if r.nameID in (1, 16)}
            weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
        except (TTLibError, KeyError, OSError, UnicodeDecodeError):
            continue  # not a font: ignored, as a system font directory would
        bold = "bold" if weight >= 600 else "normal"
        for name in sorted(n for n in names if n and not set(n) & set('"\\<>{};')):
            rules.append(f'@font-face {{ font-family: "{name}"; font-weight: {bold}; src: url("{path.resolve().as_uri()}"); }}')
    return "\n".join(rules)


def _font_dir() -> str | None:
    from engine.settings import get_settings

    folder = get_settings().letter_font_dir
    return str(folder) if folder else None


def _seal_uri(data: dict, draft: bool) -> str | None:
    """Only an issued letter carries the seal it was issued with; a draft shows where it goes."""
    if draft or not data.get("seal_sha256"):
        return None
    from engine.seal import seal_data_uri

    return seal_data_uri(data["seal_sha256"])


def context(data: dict, addressee: str, *, draft: bool, letter_type: str = "reply") -> dict:
    decision = data.get("decision") or {}
    subject = REMEDY_SUBJECT.get(letter_type, "本答复")
    letter = {**data, "addressee": addressee}
    created = (data.get("issue_date") or data.get("drafted_on") or "2000-01-01") + "T00:00:00+08:00"
    return {
        "L": letter,
        "remedy": remedy_paragraph(data.get("agency") or {}, bool(decision.get("review_first")), subject,
                                   partly=bool(decision.get("review_first_partly"))),
        "fonts": {k: Markup(v) for k, v in FONTS.items()},  # our constants, used inside <style>
        "draft": draft,
        "created": created,
        "font_faces": Markup(font_faces(_font_dir())),  # file names and font names we read, inside <style>
        "seal_uri": _seal_uri(data, draft),
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

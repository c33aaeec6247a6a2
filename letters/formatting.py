"""How letters write dates and money (2026年3月5日: Arabic numerals, no leading zeros) and end sentences."""

from __future__ import annotations

import re
from datetime import date


def cn_date(value: object) -> str:
    if not value:  # None, "" or an undefined template variable
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


def yuan(fen: object) -> str:
    fen = int(fen or 0)
    return f"{fen // 100}元" if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}元"


# A clerk's text that ends with its own full stop, inserted where the template ends the sentence, would
# print "。。" or "。”。". The template's mark is the one the sentence needs (GB/T 15834: a quotation used
# as part of a sentence drops its own full stop), so the clerk's trailing mark goes.
_DOUBLED = re.compile(r"[。；，]+(?=[。；，])")
_INSIDE_QUOTE = re.compile(r"[。；，]+(?=[”’」』）][。；，])")


def tidy_punctuation(text: str) -> str:
    """Each sentence ends once: "理由：……。。" → "理由：……。", "“……。”。" → "“……”。"."""
    return _INSIDE_QUOTE.sub("", _DOUBLED.sub("", text))

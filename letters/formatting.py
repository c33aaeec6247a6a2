"""How letters write dates and money: 2026年3月5日 (Arabic numerals, no leading zeros)."""

from __future__ import annotations

from datetime import date


def cn_date(value: object) -> str:
    if not value:  # None, "" or an undefined template variable
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


def yuan(fen: object) -> str:
    fen = int(fen or 0)
    return f"{fen // 100}元" if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}元"

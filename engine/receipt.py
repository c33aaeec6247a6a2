"""The receipt date by channel (条例 art 31; spec deadlines.md §3)."""

from __future__ import annotations

from datetime import date

from .errors import InputError

# channel: (Chinese name, the fact that fixes the receipt date, its Chinese name)
CHANNELS: dict[str, tuple[str, str, str]] = {
    "in_person": ("当面提交", "handed_in", "当面提交之日"),
    "oral": ("口头提出（经办人代为填写）", "handed_in", "口头提出之日"),
    "post_signed": ("邮寄（需签收）", "signed_for", "签收之日"),
    "ordinary_post": ("平常信函", "confirmed", "与申请人确认收到之日"),
    "online": ("互联网平台", "confirmed", "双方确认之日"),
    "fax": ("传真", "confirmed", "双方确认之日"),
    "email": ("电子邮箱", "mail_received", "邮件系统收到之日"),
}
CHANNEL_PHRASE = {  # "你（单位）于…通过…方式提出的申请"
    "in_person": "当面提交", "oral": "口头", "post_signed": "信函", "ordinary_post": "信函",
    "online": "互联网平台", "fax": "传真", "email": "电子邮件",
}


def derive_receipt_date(channel: str, facts: dict, today: date) -> tuple[date, dict]:
    """Return the receipt date and the cleaned facts; refuse a missing, impossible or future date."""
    if channel not in CHANNELS:
        raise InputError(f"未知的收件渠道“{channel}”，可选：{'、'.join(v[0] for v in CHANNELS.values())}", field="channel")
    label, fact, fact_label = CHANNELS[channel]
    raw = (facts or {}).get(fact)
    if not raw:
        raise InputError(f"“{label}”渠道须填写{fact_label}", field=f"channel_facts.{fact}")
    try:
        day = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        raise InputError(f"{fact_label}“{raw}”不是有效日期（YYYY-MM-DD）", field=f"channel_facts.{fact}") from None
    if day > today:
        raise InputError(f"{fact_label} {day} 晚于今天，不能登记未来的日期", field=f"channel_facts.{fact}")
    clean = {k: (v.isoformat() if isinstance(v, date) else str(v)) for k, v in (facts or {}).items()}
    return day, clean


def one_year_before(day: date) -> date:
    return day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) else date(day.year - 1, 2, 28)


def confirm_old_receipt(day: date, today: date, confirm: bool, field: str = "confirm") -> None:
    """A receipt date more than a year back is usually a typing slip (2025 for 2026): registered only
    when the clerk confirms it."""
    if day < one_year_before(today) and not confirm:
        from .errors import Unconfirmed

        raise Unconfirmed(f"收到申请之日 {day.isoformat()} 距今已超过一年，请核对；确属如此的，勾选“确认日期无误”"
                          "后再提交", field=field)

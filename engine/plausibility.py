"""Plausibility of what a clerk types at registration: identity numbers, phones, e-mail, postcode.

Each ``check_…`` function takes the text as typed and returns it normalised (full-width digits and
letters made half-width, spaces removed where they cannot belong, letters upper case), or raises
``Implausible`` with a Chinese sentence that a caller prefixes with the field's Chinese label.

Decisions (documented in docs/registration-checks.md):

* 居民身份证号码 (GB 11643-1999): 18 characters, the first two a province code of GB/T 2260 (71, 81,
  82 and 83 included: 台湾、香港、澳门居民 numbers issued on the mainland), the birth date a real day
  from 1900-01-01 to today, the last character the ISO 7064 MOD 11-2 check character (0–9 or X).
* The 15-digit first-generation number stopped being valid on 1 January 2013 (公安部: 第一代居民身份证
  自2013年1月1日起停止使用): it is refused, and the refusal names the 18-digit number it became so
  the clerk can confirm it with the applicant — the system never upgrades a number silently.
* 统一社会信用代码 (GB 32100-2015): 18 characters from the code's alphabet (digits and capital letters
  without I, O, S, V, Z), characters 3–8 a division code (digits), the last one the MOD 31 check.
* 电话: a mobile number (11 digits from 13–19, an optional +86 dropped) or a landline with its area code
  (0 + 2–3 digits, 7–8 digits, an optional extension), or a 400/800 service number.
"""

from __future__ import annotations

import re
from datetime import date

# Full-width ASCII (U+FF01–U+FF5E) → ASCII, ideographic space → space: what a Chinese IME types.
_HALF_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


class Implausible(ValueError):
    """The value cannot be what the applicant meant; the message says why, in Chinese."""


def half_width(text: str) -> str:
    return text.translate(_HALF_WIDTH)


def _compact(text: str) -> str:
    """Half-width, without spaces of any kind (numbers are often typed in groups)."""
    return re.sub(r"\s+", "", half_width(text))


# -- 居民身份证号码 (GB 11643) -----------------------------------------------------------------------------

ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
             53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}


def id_check_character(first17: str) -> str:
    """The 18th character of a resident identity number: (12 − Σ aᵢ·Wᵢ mod 11) mod 11, 10 written X."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def upgrade_15(number: str) -> str:
    """The 18-digit number a first-generation 15-digit one became: century 19 inserted, check added."""
    first17 = number[:6] + "19" + number[6:]
    return first17 + id_check_character(first17)


def _birth_date(digits: str) -> date | None:
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def check_resident_id(text: str, today: date) -> str:
    number = _compact(text).upper()
    if re.fullmatch(r"\d{15}", number):
        raise Implausible(f"为15位的第一代身份证号码，已于2013年1月1日停止使用；对应的18位号码为 {upgrade_15(number)}，"
                          "请与申请人核对后填写18位号码")
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise Implausible("应为18位（前17位为数字，最后一位为数字或X）")
    if int(number[:2]) not in PROVINCES:
        raise Implausible(f"前两位“{number[:2]}”不是省级行政区划代码")
    born = _birth_date(number[6:14])
    if born is None:
        raise Implausible(f"第7至14位“{number[6:14]}”不是有效的出生日期")
    if born > today:
        raise Implausible(f"出生日期 {born.isoformat()} 晚于今天")
    if born < date(1900, 1, 1):
        raise Implausible(f"出生日期 {born.isoformat()} 早于1900年")
    if number[17] != id_check_character(number[:17]):
        raise Implausible("校验位不符（最后一位有误或其他位抄错），请与证件核对")
    return number


# -- 统一社会信用代码 (GB 32100) ---------------------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28


def uscc_check_character(first17: str) -> str:
    """The 18th character: 31 − (Σ cᵢ·Wᵢ mod 31), 31 written 0."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(text: str) -> str:
    code = _compact(text).upper()
    if len(code) != 18:
        raise Implausible(f"应为18位（现为{len(code)}位）")
    wrong = sorted({c for c in code if c not in USCC_ALPHABET})
    if wrong:
        raise Implausible(f"含有代码不使用的字符“{'、'.join(wrong)}”（只用数字和除I、O、S、V、Z以外的大写字母）")
    if not code[2:8].isdigit():
        raise Implausible(f"第3至8位“{code[2:8]}”应为行政区划代码（数字）")
    if code[17] != uscc_check_character(code[:17]):
        raise Implausible("校验位不符（最后一位有误或其他位抄错），请与营业执照或登记证书核对")
    return code


# -- phone, e-mail, postcode ----------------------------------------------------------------------------

_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9]\d{9})")
_LANDLINE = re.compile(r"\(?(0(?:10|2\d|[3-9]\d\d))\)?-?(\d{7,8})(?:(?:-|转|分机|ext\.?|#)(\d{1,6}))?", re.IGNORECASE)
_SERVICE = re.compile(r"([48]00)-?(\d{3})-?(\d{4})")


def check_phone(text: str) -> str:
    """A mobile number as its 11 digits; a landline as 区号-号码[-分机]; a 400/800 number as 400-xxx-xxxx."""
    raw = re.sub(r"[\s\u2010-\u2015]", lambda m: "" if m.group().isspace() else "-", half_width(text).strip())
    plain = raw.replace("-", "")
    if m := _MOBILE.fullmatch(plain):
        return m.group(1)
    if m := _LANDLINE.fullmatch(raw) or _LANDLINE.fullmatch(plain):
        return f"{m.group(1)}-{m.group(2)}" + (f"-{m.group(3)}" if m.group(3) else "")
    if m := _SERVICE.fullmatch(raw):
        return "-".join(m.groups())
    raise Implausible("应为11位手机号码（如 13900001111）或带区号的固定电话（如 010-66668888）")


_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def check_email(text: str) -> str:
    address = half_width(text).strip()
    if len(address) > 254 or not _EMAIL.fullmatch(address):
        raise Implausible("不是有效的电子邮箱地址（如 zhang@example.cn）")
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def check_postcode(text: str) -> str:
    code = _compact(text)
    if not re.fullmatch(r"\d{6}", code):
        raise Implausible("应为6位数字")
    return code


# -- the field's Chinese label in every refusal --------------------------------------------------------


def labelled(label: str, check, *, max_length: int | None = None, required: bool = False):
    """A validator for one text field: required or not, bounded in length, then ``check`` (if any) when
    not blank; every refusal names the field by its Chinese label (a message starting with “ is not
    prefixed again by engine.validation)."""

    def validate(value: str) -> str:
        if required and not value:
            raise ValueError(f"“{label}”不能为空")
        if max_length is not None and len(value) > max_length:
            raise ValueError(f"“{label}”过长：最多{max_length}个字符（现为{len(value)}个）")
        if check is None or not value:
            return value
        try:
            return check(value)
        except Implausible as exc:
            raise ValueError(f"“{label}”{exc}") from None

    return validate


def check_id_number(id_type: str | None, text: str, today: date) -> str:
    """The identity number for its document type: the checks above where a standard fixes the number,
    otherwise only half-width and upper case (passports and permits differ too much to check here)."""
    if id_type == "resident_id":
        return check_resident_id(text, today)
    if id_type == "uscc":
        return check_uscc(text)
    return half_width(text).strip().upper()

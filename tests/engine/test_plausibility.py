"""Plausibility of registration input: GB 11643 identity numbers, GB 32100 credit codes, phones, e-mail,
postcodes — each refusal in Chinese naming the field."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.plausibility import (
    USCC_ALPHABET,
    Implausible,
    check_email,
    check_phone,
    check_postcode,
    check_resident_id,
    check_uscc,
    id_check_character,
    labelled,
    uscc_check_character,
    upgrade_15,
)

TODAY = date(2026, 3, 10)


# -- oracles: the standards' own definitions, written differently from the module ------------------------

def iso7064_mod11_2_ok(number: str) -> bool:
    """GB 11643 / ISO 7064 MOD 11-2: Σ aᵢ·2^(18−i) over all 18 characters (X = 10) ≡ 1 (mod 11)."""
    values = [10 if c == "X" else int(c) for c in number]
    return sum(v * 2 ** (17 - i) for i, v in enumerate(values)) % 11 == 1


def gb32100_ok(code: str) -> bool:
    """GB 32100: Σ cᵢ·3^(i−1) over the first 17 characters plus the check character ≡ 0 (mod 31)."""
    values = [USCC_ALPHABET.index(c) for c in code]
    return (sum(v * 3 ** i for i, v in enumerate(values[:17])) + values[17]) % 31 == 0


digits17 = st.text(alphabet="0123456789", min_size=17, max_size=17)
uscc17 = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)


@given(digits17)
def test_gb11643_check_character_agrees_with_the_iso7064_oracle(first17):
    assert iso7064_mod11_2_ok(first17 + id_check_character(first17))


@given(digits17, st.sampled_from("0123456789X"))
def test_gb11643_exactly_one_check_character_is_right(first17, last):
    assert (last == id_check_character(first17)) == iso7064_mod11_2_ok(first17 + last)


@given(uscc17)
def test_gb32100_check_character_agrees_with_the_mod31_oracle(first17):
    assert gb32100_ok(first17 + uscc_check_character(first17))


@given(uscc17, st.sampled_from(USCC_ALPHABET))
def test_gb32100_exactly_one_check_character_is_right(first17, last):
    assert (last == uscc_check_character(first17)) == gb32100_ok(first17 + last)


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY), st.integers(0, 999),
       st.sampled_from(["110101", "440305", "310115", "830000"]))
def test_a_well_formed_resident_id_is_accepted_and_a_changed_digit_refused(born, seq, region):
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    number = first17 + id_check_character(first17)
    assert check_resident_id(number, TODAY) == number
    wrong = "0" if number[-1] != "0" else "1"
    with pytest.raises(Implausible, match="校验位"):
        check_resident_id(number[:-1] + wrong, TODAY)


def test_known_numbers():
    assert check_resident_id("11010519491231002X", TODAY) == "11010519491231002X"  # the standard's example
    assert check_resident_id("11010519491231002x", TODAY) == "11010519491231002X"
    assert check_uscc("91350100M000100Y43") == "91350100M000100Y43"


def test_full_width_digits_and_spaces_are_normalised():
    assert check_resident_id("１１０１０５ １９４９１２３１ ００２ｘ", TODAY) == "11010519491231002X"
    assert check_phone("１３９ ００００ １１１１") == "13900001111"
    assert check_postcode("１００００１") == "100001"
    assert check_email("zhang＠Example.CN") == "zhang@example.cn"


def test_birth_date_must_exist_and_not_be_in_the_future():
    bad_day = "110105" + "20230230" + "123"
    with pytest.raises(Implausible, match="不是有效的出生日期"):
        check_resident_id(bad_day + id_check_character(bad_day), TODAY)
    future = "110105" + "20260311" + "123"
    with pytest.raises(Implausible, match="晚于今天"):
        check_resident_id(future + id_check_character(future), TODAY)
    born_today = "110105" + "20260310" + "123"
    assert check_resident_id(born_today + id_check_character(born_today), TODAY)


def test_a_15_digit_first_generation_number_is_refused_naming_its_18_digit_form():
    with pytest.raises(Implausible) as refused:
        check_resident_id("110105491231002", TODAY)
    assert "2013年1月1日" in str(refused.value)
    assert upgrade_15("110105491231002") == "11010519491231002X" and "11010519491231002X" in str(refused.value)


def test_province_code_and_shape():
    with pytest.raises(Implausible, match="省级行政区划代码"):
        check_resident_id("991101199003091234", TODAY)
    with pytest.raises(Implausible, match="18位"):
        check_resident_id("1101011990", TODAY)


def test_uscc_alphabet_and_length():
    with pytest.raises(Implausible, match="I、O"):
        check_uscc("91350100M000100YO3")
    with pytest.raises(Implausible, match="18位"):
        check_uscc("9135010")
    with pytest.raises(Implausible, match="校验位"):
        check_uscc("91350100M000100Y44")


@pytest.mark.parametrize("typed, stored", [
    ("13800138000", "13800138000"), ("+86 138-0013-8000", "13800138000"), ("010-66668888", "010-66668888"),
    ("(0755)12345678", "0755-12345678"), ("021 6666 8888", "021-66668888"), ("0571-8765432转801", "0571-8765432-801"),
    ("400-810-1234", "400-810-1234")])
def test_phone_numbers_accepted(typed, stored):
    assert check_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "1380013800", "23800138000", "010-1", "abc", "66668888"])
def test_phone_numbers_refused(typed):
    with pytest.raises(Implausible, match="手机号码"):
        check_phone(typed)


@pytest.mark.parametrize("typed", ["zhang", "zhang@", "@example.cn", "zhang@example", "a b@example.cn", "a..b@example.cn"])
def test_email_refused(typed):
    with pytest.raises(Implausible, match="电子邮箱"):
        check_email(typed)


@pytest.mark.parametrize("typed", ["10000", "1000011", "10000a"])
def test_postcode_refused(typed):
    with pytest.raises(Implausible, match="6位"):
        check_postcode(typed)


def test_labelled_names_the_field_and_bounds_its_length():
    check = labelled("姓名或名称", None, max_length=200, required=True)
    with pytest.raises(ValueError, match="^“姓名或名称”过长：最多200个字符（现为5000个）"):
        check("张" * 5000)
    with pytest.raises(ValueError, match="^“姓名或名称”不能为空"):
        check("")
    with pytest.raises(ValueError, match="^“联系电话”应为11位手机号码"):
        labelled("联系电话", check_phone)("12345")

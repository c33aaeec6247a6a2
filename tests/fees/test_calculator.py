"""The fee arithmetic: every worked example of fees.md, and properties against a one-by-one oracle."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import InputError
from engine.fees import PerItemRule, month_total, per_item, per_items, per_volume


@pytest.mark.parametrize("position, fee", [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300),
                                           (45, 300), (50, 300), (51, 400), (61, 500)])
def test_per_item_examples(position, fee):
    assert per_item(position).amount == fee


def test_month_totals_from_the_spec():
    assert per_item(45).month_total == 20 * 100 + 10 * 200 + 5 * 300 == 5500
    assert month_total(PerItemRule(), 50) == 7000


@pytest.mark.parametrize("pages, fee", [(1, 0), (30, 0), (31, 10), (100, 700), (200, 2700), (250, 4700)])
def test_per_volume_examples(pages, fee):
    assert per_volume(pages).amount == fee


def test_band_arithmetic_is_printed():
    q = per_volume(250)
    assert [(x.first, x.last, x.units, x.rate, x.subtotal) for x in q.lines] == [
        (1, 30, 30, 0, 0), (31, 100, 70, 10, 700), (101, 200, 100, 20, 2000), (201, 250, 50, 40, 2000)]
    assert q.explain()[-1] == "合计：4700元"
    assert "第41—50件档（每件300元）" in per_item(45).explain()[0]


def test_split_application_items():
    assert per_items([10, 11, 12]).amount == 200  # the applicant had 9 items before: 0 + 100 + 100


def test_money_is_integer_fen():
    assert per_volume(250).amount_fen == 470000 and isinstance(per_volume(250).amount_fen, int)


@pytest.mark.parametrize("bad", [0, -1, "3.5", "abc", 2.5, True, None])
def test_bad_units(bad):
    with pytest.raises(InputError):
        per_volume(bad)
    with pytest.raises(InputError):
        per_item(bad)


def oracle_item(k: int) -> int:
    if k <= 10:
        return 0
    if k <= 30:
        return 100
    return 100 + 100 * ((k - 31) // 10 + 1)


def oracle_volume(n: int) -> int:
    total = 0
    for page in range(1, n + 1):  # page by page
        total += 0 if page <= 30 else 10 if page <= 100 else 20 if page <= 200 else 40
    return total


@given(st.integers(1, 500))
def test_item_fee_matches_the_formula_and_month_total_is_the_sum(n):
    assert per_item(n).amount == oracle_item(n)
    assert per_item(n).month_total == sum(oracle_item(k) for k in range(1, n + 1))


@given(st.integers(1, 2000))
def test_volume_fee_matches_page_by_page(n):
    assert per_volume(n).amount == oracle_volume(n)


@given(st.integers(1, 1000))
def test_fees_never_decrease(n):
    assert per_item(n + 1).amount >= per_item(n).amount
    assert per_volume(n + 1).amount >= per_volume(n).amount


@given(st.integers(1, 30))
def test_free_thresholds(n):
    assert per_volume(n).amount == 0
    if n <= 10:
        assert per_item(n).amount == 0

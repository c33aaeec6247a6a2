"""Regional layers (legal issue, item 12): a region with layers for some years but not the year asked
is flagged provisional, never silently computed on the national calendar alone; a layer may state
explicitly that the region adds no holiday that year (``no_extra_holidays: true``), and that year is known."""

from datetime import date

import pytest

from calendars import CalendarFileInvalid, CalendarRegistry, ImportedYear
from calendars.datafile import parse_calendar_text

LAYER_2025 = """\
year: 2025
region: tr
region_name: 测试自治州
source: 测试自治州人民政府办公室通知〔2024〕1号
holidays:
  - {date: 2025-03-03, name: 民族节日}
"""
NOTHING_2026 = """\
year: 2026
region: tr
region_name: 测试自治州
source: 测试自治州人民政府办公室通知〔2025〕1号
no_extra_holidays: true
holidays: []
"""


def registry_with(*texts: str) -> CalendarRegistry:
    return CalendarRegistry([ImportedYear(t, f"导入 {i}") for i, t in enumerate(texts)])


def test_region_without_the_years_layer_is_provisional_never_silently_national():
    reg = registry_with(LAYER_2025)
    cal = reg.calendar("tr")
    due = cal.add_working_days(date(2026, 3, 2), 20)  # computed on the national schedule …
    assert due == reg.calendar().add_working_days(date(2026, 3, 2), 20)
    assert cal.span_is_provisional(date(2026, 3, 2), due)  # … but flagged
    assert cal.day_info(date(2026, 3, 3)).provisional
    assert not cal.span_is_provisional(date(2025, 3, 2), date(2025, 4, 1))  # the layer's year is known
    assert not reg.calendar().span_is_provisional(date(2026, 3, 2), due)  # the national calendar is complete


def test_region_layer_stating_no_extra_holidays_makes_the_year_known():
    reg = registry_with(LAYER_2025, NOTHING_2026)
    cal = reg.calendar("tr")
    assert not cal.span_is_provisional(date(2026, 3, 2), date(2026, 4, 1))
    assert cal.add_working_days(date(2026, 3, 2), 20) == reg.calendar().add_working_days(date(2026, 3, 2), 20)
    (row,) = [y for y in reg.years() if (y.region, y.year) == ("tr", 2026)]
    assert row.no_extra_holidays and row.holidays == 0


def test_region_explanation_says_the_layer_is_missing():
    cal = registry_with(LAYER_2025).calendar("tr")
    notes = [d.note for d in cal.explain(date(2026, 3, 2), date(2026, 3, 4))]
    assert "地区放假安排未载入" in notes[1]


@pytest.mark.parametrize("text, expected", [
    (NOTHING_2026.replace("no_extra_holidays: true\n", ""), "no_extra_holidays: true"),  # empty, not stated
    (NOTHING_2026.replace("holidays: []", "holidays:\n  - {date: 2026-03-20, name: 民族节日}"), "应为空列表"),
    (NOTHING_2026.replace("true", "'yes'"), "应为 true 或 false"),
    (NOTHING_2026.replace("source: 测试自治州人民政府办公室通知〔2025〕1号\n", ""), "来源文件"),
    (NOTHING_2026.replace("region: tr\n", ""), "只用于地区层"),
])
def test_no_extra_holidays_flag_is_validated(text, expected):
    with pytest.raises(CalendarFileInvalid) as exc:
        parse_calendar_text(text, "cal.yaml")
    assert any(expected in p for p in exc.value.problems), exc.value.problems

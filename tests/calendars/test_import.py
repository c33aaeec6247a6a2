"""Loading a year's schedule: every validation rule, line numbers; imported years layered over the
shipped ones. (Storing them in the database: tests/workflow/test_calendar_store.py.)"""

from datetime import date

import pytest

from calendars import CalendarFileInvalid, CalendarNotAvailable, CalendarRegistry, ImportedYear

GOOD_2027 = """\
year: 2027
source: 国办发明电〔2026〕测试号
holidays:
  - {date: 2027-01-01, name: 元旦}
  - {from: 2027-02-06, to: 2027-02-12, name: 春节}
workdays:
  - {date: 2027-02-14, name: 春节调休上班}
"""


def imported(*texts: str) -> CalendarRegistry:
    """A registry over the shipped years plus these imported ones (as the engine builds it)."""
    return CalendarRegistry([ImportedYear(text, f"导入 {i}") for i, text in enumerate(texts)])


def test_imported_year_extends_arithmetic():
    with pytest.raises(CalendarNotAvailable):
        CalendarRegistry().calendar().add_working_days(date(2026, 12, 28), 10)
    registry = imported(GOOD_2027)
    cal = registry.calendar()
    assert not cal.is_working_day(date(2027, 2, 8))
    assert cal.is_working_day(date(2027, 2, 14))  # a Sunday declared a working day
    assert cal.day_info(date(2027, 2, 8)).name == "春节"
    assert registry.schedule(2027).source == "国办发明电〔2026〕测试号"
    assert registry.schedule(2027).origin == "导入 0"
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_imported_year_overrides_the_package_for_the_same_year():
    correction = GOOD_2027.replace("2027", "2026").replace("测试号", "更正号")
    registry = imported(correction)
    assert registry.schedule(2026).source == "国办发明电〔2026〕更正号"
    assert not registry.calendar().is_working_day(date(2026, 2, 8))  # a Sunday stays a rest day


@pytest.mark.parametrize(
    "text, expected",
    [
        (GOOD_2027.replace("2027-01-01, name: 元旦", "2028-01-01, name: 元旦"), "第4行：日期 2028-01-01 不在 2027 年内"),
        (GOOD_2027.replace("2027-01-01", "2027-02-30"), "第4行：日期“2027-02-30”不是存在的日期"),
        (GOOD_2027.replace("2027-02-14", "2027-02-10"), "同时被列为节假日和调休上班日（另见第5行）"),
        (GOOD_2027.replace("2027-02-14", "2027-02-16"), "第7行：调休上班日 2027-02-16 是周二，不是周末"),
        (GOOD_2027.replace("holidays:\n", "holidays:\n  - {date: 2027-02-07, name: 重复}\n"),
         "第6行：节假日 2027-02-07 已在第4行列出"),
        (GOOD_2027.replace("from: 2027-02-06, to: 2027-02-12", "from: 2027-02-12, to: 2027-02-06"),
         "第5行：结束日期 2027-02-06 早于起始日期 2027-02-12"),
        (GOOD_2027.replace(", name: 元旦", ""), "第4行：缺少名称“name”"),
        (GOOD_2027.replace("source: 国办发明电〔2026〕测试号\n", ""), "缺少来源文件“source”"),
        (GOOD_2027.replace("year: 2027", "year: 二〇二七"), "缺少或无效的年份“year”"),
        (GOOD_2027 + "colour: red\n", "未知字段“colour”"),
        (GOOD_2027.replace("{date: 2027-01-01, name: 元旦}", "{date: 2027-01-01, name: 元旦, when: x}"),
         "第4行：未知字段“when”"),
        ("year: 2027\nholidays: [\n", "不是有效的 YAML"),
        (GOOD_2027.replace("2027-01-01,", "2027/01/01,"), "第4行：日期“2027/01/01”格式不对"),
        (GOOD_2027.replace("region", "x") + "region: 'Bad Region'\n", "地区代码“Bad Region”无效"),
    ],
)
def test_invalid_files_are_refused_with_the_line(registry, text, expected):
    with pytest.raises(CalendarFileInvalid) as exc:
        registry.validate_text(text, "cal.yaml")
    assert any(expected in p for p in exc.value.problems), exc.value.problems


def test_every_problem_is_listed_at_once(registry):
    text = GOOD_2027.replace("2027-01-01", "2028-01-01").replace("2027-02-14", "2027-02-16")
    with pytest.raises(CalendarFileInvalid) as exc:
        registry.validate_text(text, "cal.yaml")
    assert len(exc.value.problems) == 2


REGION_2026 = """\
year: 2026
region: testregion
region_name: 测试自治州
source: 测试自治州人民政府办公室通知
holidays:
  - {date: 2026-03-20, name: 民族节日}
"""


def test_regional_layer_adds_holidays_on_top_of_national(registry):
    assert registry.validate_text(REGION_2026, "cal.yaml").region == "testregion"
    layered = imported(REGION_2026)
    national, regional = layered.calendar(), layered.calendar("testregion")
    assert national.is_working_day(date(2026, 3, 20))
    assert not regional.is_working_day(date(2026, 3, 20))
    assert regional.day_info(date(2026, 3, 20)).name == "民族节日"
    assert not regional.is_working_day(date(2026, 2, 17))  # national holidays still apply
    assert regional.add_working_days(date(2026, 3, 19), 1) == date(2026, 3, 23)
    assert "testregion" in layered.region_codes()


def test_regional_holiday_on_a_national_holiday_is_refused(registry):
    text = REGION_2026.replace("2026-03-20", "2026-10-02")
    with pytest.raises(CalendarFileInvalid) as exc:
        registry.validate_text(text, "cal.yaml")
    assert "已是全国法定节假日" in exc.value.problems[0]
    with pytest.raises(CalendarFileInvalid):  # and a stored layer that now collides is not built over
        imported(text)


def test_regional_layer_needs_its_national_year(registry):
    with pytest.raises(CalendarFileInvalid) as exc:
        registry.validate_text(REGION_2026.replace("2026", "2027"), "cal.yaml")
    assert "请先导入全国安排" in exc.value.problems[0]


def test_unknown_region_is_refused(registry):
    from calendars import UnknownRegion

    with pytest.raises(UnknownRegion) as exc:
        registry.calendar("atlantis")
    assert "未知的地区“atlantis”" in str(exc.value)


def test_next_year_missing_alert_from_november(registry):
    from calendars import next_year_missing

    assert next_year_missing(registry, date(2026, 10, 31)) is None
    assert next_year_missing(registry, date(2026, 11, 1)) == 2027
    assert next_year_missing(imported(GOOD_2027), date(2026, 11, 1)) is None

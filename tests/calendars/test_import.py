"""Loading a year's schedule: every validation rule, line numbers, nothing stored on error."""

from datetime import date
from pathlib import Path

import pytest

from calendars import CalendarFileInvalid, CalendarNotAvailable

GOOD_2027 = """\
year: 2027
source: 国办发明电〔2026〕测试号
holidays:
  - {date: 2027-01-01, name: 元旦}
  - {from: 2027-02-06, to: 2027-02-12, name: 春节}
workdays:
  - {date: 2027-02-14, name: 春节调休上班}
"""


def write(tmp_path: Path, text: str, name: str = "cal.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_valid_year_persists_and_extends_arithmetic(tmp_registry, tmp_path):
    with pytest.raises(CalendarNotAvailable):
        tmp_registry.calendar().add_working_days(date(2026, 12, 28), 10)
    result = tmp_registry.import_file(write(tmp_path, GOOD_2027))
    assert not result.replaced and result.stored_at.exists()
    cal = tmp_registry.calendar()
    assert not cal.is_working_day(date(2027, 2, 8))
    assert cal.is_working_day(date(2027, 2, 14))  # a Sunday declared a working day
    assert cal.day_info(date(2027, 2, 8)).name == "春节"
    # Persisted: a fresh registry over the same directory knows 2027
    from calendars import CalendarRegistry

    again = CalendarRegistry(import_dir=tmp_registry.import_dir)
    assert again.has_year(2027)
    assert again.schedule(2027).source == "国办发明电〔2026〕测试号"
    assert again.calendar().add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_reimport_replaces(tmp_registry, tmp_path):
    tmp_registry.import_file(write(tmp_path, GOOD_2027))
    result = tmp_registry.import_file(write(tmp_path, GOOD_2027.replace("测试号", "更正号")))
    assert result.replaced
    assert tmp_registry.schedule(2027).source == "国办发明电〔2026〕更正号"


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
def test_invalid_files_are_refused_with_the_line_and_nothing_stored(tmp_registry, tmp_path, text, expected):
    with pytest.raises(CalendarFileInvalid) as exc:
        tmp_registry.import_file(write(tmp_path, text))
    assert any(expected in p for p in exc.value.problems), exc.value.problems
    assert not tmp_registry.has_year(2027)
    assert not any(tmp_registry.import_dir.rglob("*.yaml")) if tmp_registry.import_dir.exists() else True


def test_every_problem_is_listed_at_once(tmp_registry, tmp_path):
    text = GOOD_2027.replace("2027-01-01", "2028-01-01").replace("2027-02-14", "2027-02-16")
    with pytest.raises(CalendarFileInvalid) as exc:
        tmp_registry.import_file(write(tmp_path, text))
    assert len(exc.value.problems) == 2


REGION_2026 = """\
year: 2026
region: testregion
region_name: 测试自治州
source: 测试自治州人民政府办公室通知
holidays:
  - {date: 2026-03-20, name: 民族节日}
"""


def test_regional_layer_adds_holidays_on_top_of_national(tmp_registry, tmp_path):
    tmp_registry.import_file(write(tmp_path, REGION_2026))
    national, regional = tmp_registry.calendar(), tmp_registry.calendar("testregion")
    assert national.is_working_day(date(2026, 3, 20))
    assert not regional.is_working_day(date(2026, 3, 20))
    assert regional.day_info(date(2026, 3, 20)).name == "民族节日"
    assert not regional.is_working_day(date(2026, 2, 17))  # national holidays still apply
    assert regional.add_working_days(date(2026, 3, 19), 1) == date(2026, 3, 23)
    assert "testregion" in tmp_registry.region_codes()


def test_regional_holiday_on_a_national_holiday_is_refused(tmp_registry, tmp_path):
    text = REGION_2026.replace("2026-03-20", "2026-10-02")
    with pytest.raises(CalendarFileInvalid) as exc:
        tmp_registry.import_file(write(tmp_path, text))
    assert "已是全国法定节假日" in exc.value.problems[0]


def test_regional_layer_needs_its_national_year(tmp_registry, tmp_path):
    with pytest.raises(CalendarFileInvalid) as exc:
        tmp_registry.import_file(write(tmp_path, REGION_2026.replace("2026", "2027")))
    assert "请先导入全国安排" in exc.value.problems[0]


def test_unknown_region_is_refused(tmp_registry):
    from calendars import UnknownRegion

    with pytest.raises(UnknownRegion) as exc:
        tmp_registry.calendar("atlantis")
    assert "未知的地区“atlantis”" in str(exc.value)


def test_next_year_missing_alert_from_november(tmp_registry, tmp_path):
    from calendars import next_year_missing

    assert next_year_missing(tmp_registry, date(2026, 10, 31)) is None
    assert next_year_missing(tmp_registry, date(2026, 11, 1)) == 2027
    tmp_registry.import_file(write(tmp_path, GOOD_2027))
    assert next_year_missing(tmp_registry, date(2026, 11, 1)) is None


def test_a_year_imported_by_another_process_is_picked_up(tmp_registry, tmp_path):
    """Several API workers each hold a registry; one of them (or ``ogi calendar import``) stores a year."""
    from calendars import CalendarRegistry

    other_worker = CalendarRegistry(import_dir=tmp_registry.import_dir)
    other_worker.warm()
    assert not other_worker.refresh(every=0).has_year(2027)
    tmp_registry.import_file(write(tmp_path, GOOD_2027))
    assert other_worker.refresh(every=3600).has_year(2027) is False  # not looked again yet
    assert other_worker.refresh(every=0).has_year(2027)
    assert other_worker.calendar().add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    # a correction replacing the file is picked up as well
    tmp_registry.import_file(write(tmp_path, GOOD_2027.replace("测试号", "更正号")))
    assert other_worker.refresh(every=0).schedule(2027).source == "国办发明电〔2026〕更正号"

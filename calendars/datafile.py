"""Calendar data files (YAML): parsing with line numbers and validation.

Format (one file per region and year)::

    year: 2027
    region: national            # or a region code such as "xz"; default national
    region_name: 全国
    source: 国办发明电〔2026〕N号  # default source of every entry
    holidays:
      - {date: 2027-01-01, name: 元旦}
      - {from: 2027-02-05, to: 2027-02-11, name: 春节}
    workdays:
      - {date: 2027-02-14, name: 春节调休上班, source: 另一文件}

A regional layer whose region adds no holiday in a year says so explicitly, with its source, so that
the year counts as known for the region (a missing layer makes every answer provisional)::

    year: 2027
    region: xz
    source: 西藏自治区人民政府办公厅通知〔2026〕N号
    no_extra_holidays: true
    holidays: []

Every problem is reported with its line number; a file with any problem yields no schedule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

from .errors import CalendarFileInvalid
from .schedule import NATIONAL, DayEntry, YearSchedule

REGION_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
TOP_KEYS = {"year", "region", "region_name", "source", "holidays", "workdays", "no_extra_holidays"}
ENTRY_KEYS = {"date", "from", "to", "name", "source"}
WEEKDAY_ZH = "一二三四五六日"


class _LineLoader(yaml.SafeLoader):
    """Safe loader that keeps dates as text (we parse them with our own messages) and records lines."""


_LineLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class _Collector:
    problems: list[str]

    def add(self, line: int | None, message: str) -> None:
        self.problems.append(f"第{line}行：{message}" if line else message)


def _parse_day(text: object, line: int, what: str, out: _Collector) -> date | None:
    raw = str(text).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        out.add(line, f"{what}“{raw}”格式不对，应为 YYYY-MM-DD")
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        out.add(line, f"{what}“{raw}”不是存在的日期")
        return None


def _entry_days(entry: dict, line: int, out: _Collector) -> list[date]:
    has_day = "date" in entry
    has_range = "from" in entry or "to" in entry
    if has_day and has_range:
        out.add(line, "一个条目只能写“date”或“from/to”之一")
        return []
    if has_day:
        day = _parse_day(entry["date"], line, "日期", out)
        return [day] if day else []
    if "from" in entry and "to" in entry:
        start = _parse_day(entry["from"], line, "起始日期", out)
        end = _parse_day(entry["to"], line, "结束日期", out)
        if not start or not end:
            return []
        if end < start:
            out.add(line, f"结束日期 {end} 早于起始日期 {start}")
            return []
        if (end - start).days > 60:
            out.add(line, f"{start} 至 {end} 的区间超过60天，请检查")
            return []
        return [start + timedelta(days=i) for i in range((end - start).days + 1)]
    out.add(line, "缺少日期：应写“date”，或同时写“from”和“to”")
    return []


def parse_calendar_text(text: str, path: str, national_holidays: set[date] | None = None) -> YearSchedule:
    """Parse and validate a calendar file; raise CalendarFileInvalid listing every problem.

    ``national_holidays`` (the national holidays of the same year) is needed to validate a regional
    layer: a region's extra holiday must not repeat a day the national schedule already lists.
    """
    out = _Collector([])
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        out.add(line, f"不是有效的 YAML：{getattr(exc, 'problem', exc)}")
        raise CalendarFileInvalid(path, out.problems) from None
    if not isinstance(doc, dict):
        raise CalendarFileInvalid(path, ["文件内容应为一个映射（year、source、holidays、workdays 等字段）"])

    for key in doc:
        if key != "__line__" and key not in TOP_KEYS:
            out.add(None, f"未知字段“{key}”（可用：{'、'.join(sorted(TOP_KEYS))}）")

    year = doc.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2200:
        out.add(None, f"缺少或无效的年份“year”：{year!r}，应为四位整数年份")
        raise CalendarFileInvalid(path, out.problems)

    region = str(doc.get("region") or NATIONAL).strip()
    if not REGION_CODE.match(region):
        out.add(None, f"地区代码“{region}”无效：应为小写字母开头的字母、数字、下划线或连字符")
    file_source = str(doc.get("source") or "").strip()
    region_name = str(doc.get("region_name") or ("全国" if region == NATIONAL else region)).strip()

    schedule = YearSchedule(
        year=year, region=region, source=file_source, origin=path, region_name=region_name,
        no_extra_holidays=_no_extra_holidays(doc, region, file_source, out),
    )
    seen: dict[date, tuple[str, int]] = {}  # day -> (kind, line) across both lists

    for kind, label in (("holidays", "节假日"), ("workdays", "调休上班日")):
        entries = doc.get(kind) or []
        if not isinstance(entries, list):
            out.add(None, f"“{kind}”应为列表")
            continue
        for entry in entries:
            if not isinstance(entry, dict):
                out.add(None, f"“{kind}”中的条目“{entry}”应为映射（含 date 或 from/to、name）")
                continue
            line = entry.pop("__line__", None)
            for key in entry:
                if key not in ENTRY_KEYS:
                    out.add(line, f"未知字段“{key}”（可用：{'、'.join(sorted(ENTRY_KEYS))}）")
            name = str(entry.get("name") or "").strip()
            if not name:
                out.add(line, "缺少名称“name”")
            source = str(entry.get("source") or file_source).strip()
            if not source:
                out.add(line, "缺少来源文件“source”（可在文件顶部统一写明）")
            for day in _entry_days(entry, line, out):
                if day.year != year:
                    out.add(line, f"日期 {day} 不在 {year} 年内")
                    continue
                if day in seen:
                    other_kind, other_line = seen[day]
                    if other_kind == kind:
                        out.add(line, f"{label} {day} 已在第{other_line}行列出")
                    else:
                        out.add(line, f"{day} 同时被列为节假日和调休上班日（另见第{other_line}行）")
                    continue
                seen[day] = (kind, line)
                if kind == "workdays" and day.weekday() < 5:
                    out.add(line, f"调休上班日 {day} 是周{WEEKDAY_ZH[day.weekday()]}，不是周末")
                    continue
                if kind == "holidays" and region != NATIONAL and national_holidays and day in national_holidays:
                    out.add(line, f"{day} 已是全国法定节假日，地区层不应重复列出")
                    continue
                target = schedule.holidays if kind == "holidays" else schedule.workdays
                target[day] = DayEntry(day, name, source)

    if schedule.no_extra_holidays and schedule.holidays:
        out.add(None, "已声明“no_extra_holidays: true”（本年无额外假日），“holidays”应为空列表")
    if not out.problems and not schedule.holidays and not schedule.workdays and not schedule.no_extra_holidays:
        out.add(None, "文件没有列出任何节假日或调休上班日"
                + ("（地区本年确无额外假日的，请写明“no_extra_holidays: true”及来源文件）" if region != NATIONAL else ""))
    if out.problems:
        raise CalendarFileInvalid(path, out.problems)
    return schedule


def _no_extra_holidays(doc: dict, region: str, file_source: str, out: _Collector) -> bool:
    """The explicit "this region adds no holiday this year" statement: a boolean, for a regional layer
    only, backed by the document that says so."""
    if "no_extra_holidays" not in doc:
        return False
    flag = doc["no_extra_holidays"]
    if not isinstance(flag, bool):
        out.add(None, f"“no_extra_holidays”应为 true 或 false，而不是“{flag}”")
        return False
    if flag and region == NATIONAL:
        out.add(None, "“no_extra_holidays”只用于地区层，全国安排不能声明")
        return False
    if flag and not file_source:
        out.add(None, "声明本年无额外假日（no_extra_holidays）须在文件顶部写明来源文件“source”")
    return flag


def read_calendar_file(path: Path) -> str:
    """The text of a calendar file; an unreadable or non-UTF-8 file is a validation problem."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarFileInvalid(str(path), [f"无法读取文件（应为 UTF-8 编码的 YAML）：{exc}"]) from None


def parse_calendar_file(path: Path, national_holidays: set[date] | None = None) -> YearSchedule:
    return parse_calendar_text(read_calendar_file(path), str(path), national_holidays)

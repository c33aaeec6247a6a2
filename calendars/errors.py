"""Errors raised by the working-day calendar."""

from __future__ import annotations


class CalendarError(Exception):
    """Base class; ``str(exc)`` is a Chinese message meant for a clerk."""


class CalendarNotAvailable(CalendarError):
    """A computation needs a day of a year whose official schedule is not loaded."""

    def __init__(self, year: int, region: str = "national") -> None:
        self.year = year
        self.region = region
        where = "全国" if region == "national" else f"地区“{region}”"
        super().__init__(
            f"{year}年的工作日安排（{where}）尚未载入，无法计算期限。"
            f"请导入{year}年的官方放假安排，或明确要求按暂定方式（周一至周五为工作日）计算。"
        )


class UnknownRegion(CalendarError):
    def __init__(self, region: str, known: list[str]) -> None:
        self.region = region
        super().__init__(f"未知的地区“{region}”；已知地区：{'、'.join(known)}")


class CalendarFileInvalid(CalendarError):
    """A calendar data file failed validation; ``problems`` lists every finding."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"日历文件 {path} 有 {len(problems)} 处错误，未导入任何数据：\n" + "\n".join(problems))

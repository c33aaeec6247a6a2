"""``ogi calendar``: which years are known, a readable year view, importing a new year's schedule."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path
from typing import Annotated, Optional

import typer

from calendars import CalendarError, CalendarFileInvalid, read_calendar_file
from engine.calendar_registry import get_registry
from engine.calendar_view import year_view

from .output import fail, print_json

app = typer.Typer(help="工作日日历：已载入年份、年度安排、导入新一年的放假安排", no_args_is_help=True)


@app.command("years")
def years(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """列出已载入的年份及其来源。"""
    rows = get_registry().years()
    if as_json:
        print_json([r.__dict__ for r in rows])
        return
    for region, group in groupby(rows, key=lambda r: r.region):
        group = list(group)
        typer.echo(f"{group[0].region_name}（{region}）：{group[0].year}—{group[-1].year}，共{len(group)}年")
        for origin, same in groupby(group, key=lambda r: r.origin):
            same = list(same)
            typer.echo(f"  {same[0].year}—{same[-1].year}  来自 {origin}")
        for r in group[-3:]:
            typer.echo(f"  {r.year}  依据：{r.source}{'（本年无额外假日）' if r.no_extra_holidays else ''}")


@app.command("show")
def show(
    year: int,
    region: Annotated[Optional[str], typer.Option("--region")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """显示一年的安排：节假日（含名称）、调休上班日。"""
    try:
        view = year_view(get_registry(), year, region)
    except CalendarError as exc:
        fail(str(exc))
    if as_json:
        print_json(view)
        return
    typer.echo(f"{year}年 {view['region_name']} 工作日安排")
    typer.echo(f"依据：{view['source']}（数据来自 {view['origin']}）")
    typer.echo("法定节假日：")
    for h in view["holiday_periods"]:
        span = h["from"] if h["from"] == h["to"] else f"{h['from']} 至 {h['to']}"
        typer.echo(f"  {h['name']:<6} {span}（{h['days']}天）")
    typer.echo("调休上班：")
    for w in view["workdays"]:
        typer.echo(f"  {w['date']}（{w['weekday']}）{w['name']}")
    typer.echo(f"全年工作日：{view['working_days']}天")


def command_line_actor():
    """Who imports from the command line: no account, the operating-system user by name."""
    import getpass

    from engine.actors import Actor

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "未知"
    return Actor(None, f"命令行（{who}）", frozenset())


def _database_missing() -> None:
    fail("数据库尚未初始化：请先运行 ogi db upgrade，日历安排保存在数据库中")


@app.command("import")
def import_(
    file: Path,
    check: Annotated[bool, typer.Option("--check", help="只校验，不导入")] = False,
) -> None:
    """校验并导入一年的放假安排（YAML，存入数据库）；有任何错误则不导入。"""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from engine.calendar_import import check_schedule, import_schedule
    from engine.calendar_registry import configured_engine
    from engine.db import new_session
    from engine.case import local_today

    if configured_engine() is None:
        _database_missing()
    try:
        text = read_calendar_file(file)
        with new_session() as session:
            if check:
                sched = check_schedule(session, text, str(file))
                typer.echo(f"校验通过：{sched.year}年 {sched.region_name}，节假日{len(sched.holidays)}天，调休上班{len(sched.workdays)}天")
                return
            result = import_schedule(session, command_line_actor(), text, today=local_today(), origin=str(file))
    except CalendarFileInvalid as exc:
        typer.echo(f"文件 {file} 未通过校验，未导入任何数据：", err=True)
        for problem in exc.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(2) from None
    except (OperationalError, ProgrammingError):
        _database_missing()
    s = result.schedule
    if result.unchanged:
        typer.echo(f"数据库中的{s.year}年 {s.region_name}安排已与此文件相同（#{result.schedule_id}），未作改动")
        return
    verb = "已替换" if result.replaced else "已导入"
    typer.echo(f"{verb}：{s.year}年 {s.region_name}（依据：{s.source}），节假日{len(s.holidays)}天，调休上班{len(s.workdays)}天")
    typer.echo(f"保存于数据库（calendar_schedules #{result.schedule_id}）")
    _print_changes(result.changes)


def _print_changes(changes: list[dict]) -> None:
    typer.echo(f"已重新计算未办结申请的期限：{len(changes)}件发生变化")
    for c in changes[:50]:
        typer.echo(f"  {c['number']}：{c['before'] or '暂停'} → {c['after'] or '暂停'}{'（暂定）' if c['provisional'] else ''}")


@app.command("migrate-files")
def migrate_files(
    folder: Annotated[Optional[Path], typer.Argument(help="旧版本保存导入文件的目录，默认 $OGI_DATA_DIR/calendars")] = None,
) -> None:
    """把旧版本保存在数据目录中的日历文件载入数据库（ogi db upgrade 会自动执行；可重复执行）。"""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from engine.calendar_registry import configured_engine
    from engine.settings import get_settings

    if configured_engine() is None:
        _database_missing()
    try:
        outcomes = load_legacy_files(folder or get_settings().legacy_calendar_dir)
    except (OperationalError, ProgrammingError):
        _database_missing()
    if not outcomes:
        typer.echo("没有需要载入的日历文件")
    for o in outcomes:
        typer.echo(f"{o.path}：{o.outcome}")


def load_legacy_files(folder: Path) -> list:
    """``engine.calendar_import.migrate_files`` for the configured database (also run by ``ogi db upgrade``)."""
    from engine.calendar_import import migrate_files as migrate
    from engine.db import new_session
    from engine.case import local_today

    with new_session() as session:
        return migrate(session, command_line_actor(), folder, today=local_today())

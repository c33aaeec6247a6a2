"""``ogi deadline``: the answer clock from the command line, one case or JSON lines on stdin."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated, Optional

import typer

from calendars import CalendarError
from engine.calendar_registry import get_registry
from engine.deadline import answer, parse_request
from engine.errors import DomainError

from .output import fail, print_json


def _explain_table(result: dict) -> str:
    lines = [f"{'日期':<12}{'星期':<4}{'计数':>4}  说明"]
    for row in result["explanation"]:
        counted = "" if row["counted"] is None else str(row["counted"])
        lines.append(f"{row['date']:<12}{row['weekday']:<4}{counted:>4}  {row['note']}")
    return "\n".join(lines)


def _plain(result: dict) -> str:
    if result["paused"]:
        text = f"暂停中（自{result['paused_since']}起），恢复后还剩{result['left_when_paused']}个工作日"
    else:
        text = result["due"]
    if result["provisional"]:
        text += "\t暂定（所涉年份的官方放假安排未载入，按周一至周五推算）"
    return text


def _stdin_lines() -> int:
    registry = get_registry()
    for raw in sys.stdin:
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            if not isinstance(item, dict):
                raise ValueError
        except ValueError:
            print_json({"error": "这一行不是 JSON 对象"})
            continue
        try:
            req = parse_request(
                registry,
                received=item.get("received"),
                working_days=item.get("working_days", 20),
                pauses=item.get("pauses") or (),
                restart=item.get("restart"),
                extend=item.get("extend", 0),
                region=item.get("region"),
                provisional=bool(item.get("provisional", False)),
            )
            result = answer(registry, req)
        except (DomainError, CalendarError) as exc:
            print_json({"error": str(exc)})
            continue
        out = {"due": result["due"], "provisional": result["provisional"]}
        if result["paused"]:
            out.update(paused=True, left_when_paused=result["left_when_paused"])
        print_json(out)
    return 0


def deadline(
    received: Annotated[Optional[str], typer.Option("--received", help="收到申请之日 YYYY-MM-DD")] = None,
    working_days: Annotated[str, typer.Option("--working-days", help="期限（工作日）")] = "20",
    pause: Annotated[Optional[list[str]], typer.Option("--pause", help="暂停期间 FROM:TO，可重复")] = None,
    restart: Annotated[Optional[str], typer.Option("--restart", help="补正后收到之日（重新计算）")] = None,
    extend: Annotated[str, typer.Option("--extend", help="延长的工作日数（≤20）")] = "0",
    region: Annotated[Optional[str], typer.Option("--region", help="地区代码（默认全国）")] = None,
    provisional: Annotated[bool, typer.Option("--provisional", help="未载入年份按周一至周五暂定计算")] = False,
    no_roll: Annotated[bool, typer.Option("--no-roll", help="非工作日收到时不顺延第0日")] = False,
    today: Annotated[Optional[str], typer.Option("--today", help="计算剩余工作日的参照日")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="打印逐日计算明细")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    stdin: Annotated[bool, typer.Option("--stdin", help="从标准输入逐行读取 JSON，逐行输出结果")] = False,
) -> None:
    """计算答复期限（工作日，依条例及放假安排）。"""
    if stdin:
        raise typer.Exit(_stdin_lines())
    if received is None:
        fail("缺少 --received（收到申请之日）")
    registry = get_registry()
    try:
        from engine.deadline import parse_date

        req = parse_request(
            registry, received=received, working_days=working_days, pauses=pause or (), restart=restart,
            extend=extend, region=region, provisional=provisional, roll=not no_roll,
        )
        as_of: date | None = parse_date(today, "today") if today else None
        result = answer(registry, req, today=as_of, with_explanation=explain or as_json)
    except (DomainError, CalendarError) as exc:
        fail(str(exc))
    if as_json:
        print_json(result)
        return
    typer.echo(_plain(result))
    if as_of is not None:
        typer.echo(result["summary"])
    if explain:
        typer.echo(_explain_table(result))

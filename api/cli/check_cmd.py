"""``ogi check``: verify the database's invariants after a crash or a restore."""

from __future__ import annotations

import typer


def check() -> None:
    """核对数据库：审计事件重放与哈希链、期限、编号唯一与连续、文书完整性。发现问题时退出码为1。"""
    from engine.calendar_registry import get_registry
    from engine.check import run_checks
    from engine.db import new_session
    from engine.case import local_today

    with new_session() as session:
        problems = run_checks(session, get_registry(), local_today())
    if not problems:
        typer.echo("核对完成：未发现问题。")
        return
    for p in problems:
        typer.echo(str(p))
    typer.echo(f"共发现 {len(problems)} 个问题。", err=True)
    raise typer.Exit(1)

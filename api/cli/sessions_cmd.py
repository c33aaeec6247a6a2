"""``ogi sessions``: end every login (the last step of a restore, docs/deployment.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from .output import fail

app = typer.Typer(help="登录会话", no_args_is_help=True)


@app.command("revoke-all")
def revoke_all(
    yes: Annotated[bool, typer.Option("--yes", help="不再询问，直接执行")] = False,
) -> None:
    """使全部登录失效（恢复备份后执行）：所有用户须重新登录。"""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from engine.auth import CACHE_SECONDS, revoke_every_token
    from engine.calendar_registry import configured_engine
    from engine.db import new_session

    if configured_engine() is None:
        fail("数据库尚未初始化：请先运行 ogi db upgrade")
    if not yes and not typer.confirm("将使全部登录失效，所有用户须重新登录。继续？"):
        raise typer.Exit(1)
    try:
        with new_session() as session:
            count = revoke_every_token(session)
            session.commit()
    except (OperationalError, ProgrammingError):
        fail("数据库尚未初始化：请先运行 ogi db upgrade")
    typer.echo(f"已使 {count} 个登录失效；正在运行的服务在 {CACHE_SECONDS:g} 秒内拒绝这些登录")

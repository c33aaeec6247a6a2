"""``ogi demo``: load the demo agency, users and applications."""

from __future__ import annotations

from typing import Annotated, Optional

import typer


def demo(
    if_empty: Annotated[bool, typer.Option("--if-empty", help="数据库已有机关时不做任何事")] = False,
    password: Annotated[Optional[str], typer.Option("--password", help="所有演示用户使用同一密码（默认随机；至少10位，不能包含任何演示用户名）")] = None,
) -> None:
    """创建演示机关（DEMO）、其主管部门、各角色用户及约30件处于各状态的申请。"""
    from sqlmodel import select

    from engine.calendar_registry import get_registry
    from engine.db import new_session
    from engine.demo import USERS, create_demo
    from engine.errors import DomainError
    from engine.models import Agency
    from engine.case import local_today
    from engine.settings import get_settings
    from engine.models.user import ROLE_ZH
    from letters.hooks import LetterDesk

    from .output import fail

    with new_session() as s:
        exists = s.exec(select(Agency)).first() is not None
    if exists:
        if if_empty:
            typer.echo("数据库中已有机关，跳过演示数据。")
            return
        typer.echo("错误：数据库中已有机关；演示数据只能载入空数据库。", err=True)
        raise typer.Exit(2)
    settings = get_settings()
    try:
        passwords = create_demo(new_session, get_registry(), LetterDesk(settings.letter_template_dir), local_today(),
                                password=password)
    except DomainError as exc:  # a weak --password: refused before anything is written
        fail(f"演示密码不符合要求：{exc.message}")
    typer.echo("已载入演示数据：示例市交通运输局（DEMO），主管部门示例市人民政府办公室（SZF）。")
    typer.echo("演示用户（用户名 / 密码 / 角色）：")
    for username, name, code, roles in USERS:
        typer.echo(f"  {username:<12} {passwords[username]:<14} {name} · {code or '全平台'} · "
                   f"{'、'.join(ROLE_ZH.get(r, r) for r in roles)}")

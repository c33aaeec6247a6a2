"""``ogi user``: accounts and role grants for operators."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from sqlmodel import select

from .output import fail

app = typer.Typer(help="用户与角色", no_args_is_help=True)


def _password(password: Optional[str]) -> str:
    if password:
        return password
    return typer.prompt("密码", hide_input=True, confirmation_prompt=True)


@app.command("add")
def add(
    username: str,
    display_name: Annotated[str, typer.Option("--name", help="姓名")],
    agency: Annotated[str, typer.Option("--agency", help="机关代码")],
    role: Annotated[list[str], typer.Option("--role", help="角色，可重复：clerk head secrecy_reviewer legal supervisor admin")],
    password: Annotated[Optional[str], typer.Option("--password", help="不提供则交互输入")] = None,
) -> None:
    """新增用户并授予在某机关的角色。"""
    from engine import admin
    from engine.db import new_session
    from engine.errors import DomainError
    from engine.models import Agency

    with new_session() as s:
        try:
            ag = s.exec(select(Agency).where(Agency.code == agency)).first()
            if ag is None:
                fail(f"机关代码“{agency}”不存在")
            user = admin.create_user(s, username=username, display_name=display_name, password=_password(password))
            for r in role:
                admin.grant(s, user, ag, r)
            s.commit()
        except DomainError as exc:
            fail(exc.message)
    typer.echo(f"已新增用户 {username}（{display_name}），在 {agency} 的角色：{'、'.join(role)}")


@app.command("set-password")
def set_password(
    username: str,
    password: Annotated[Optional[str], typer.Option("--password")] = None,
) -> None:
    """重设用户密码（并使其全部登录失效）。"""
    from engine.db import new_session
    from engine.models import User
    from engine.passwords import hash_password

    with new_session() as s:
        user = s.exec(select(User).where(User.username == username)).first()
        if user is None:
            fail(f"用户“{username}”不存在")
        pw = _password(password)
        if len(pw) < 8:
            fail("密码至少8位")
        user.password_hash = hash_password(pw)
        try:
            from engine.auth import revoke_all_tokens

            revoke_all_tokens(s, user.id)
        except ImportError:
            pass
        s.commit()
    typer.echo(f"已重设 {username} 的密码")

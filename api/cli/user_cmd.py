"""``ogi user``: accounts and role grants for operators (the server's command line: no login, the
operator is trusted — this is how the first platform administrator is made)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from sqlmodel import select

from .output import fail

app = typer.Typer(help="用户与角色", no_args_is_help=True)
OPERATOR = "命令行操作员"


def _password(password: Optional[str]) -> str:
    if password:
        return password
    return typer.prompt("密码", hide_input=True, confirmation_prompt=True)


def _operator():
    from engine.actors import Actor

    return Actor(None, OPERATOR, frozenset())


@app.command("add")
def add(
    username: str,
    display_name: Annotated[str, typer.Option("--name", help="姓名")],
    agency: Annotated[Optional[str], typer.Option("--agency", help="机关代码")] = None,
    role: Annotated[Optional[list[str]], typer.Option("--role", help="角色，可重复：clerk head secrecy_reviewer legal supervisor admin")] = None,
    platform_admin: Annotated[bool, typer.Option("--platform-admin", help="设为平台管理员（管理机关、放假安排和全部用户）")] = False,
    password: Annotated[Optional[str], typer.Option("--password", help="不提供则交互输入；至少10位，不能包含用户名")] = None,
) -> None:
    """新增用户并授予在某机关的角色，或设为平台管理员。"""
    from engine import admin
    from engine.admin_audit import record_admin_event
    from engine.db import new_session
    from engine.errors import DomainError
    from engine.models import Agency
    from engine.passwords import check_password_policy

    roles = role or []
    if not roles and not platform_admin:
        fail("请用 --role 给出角色（并用 --agency 给出机关），或用 --platform-admin 设为平台管理员")
    if roles and not agency:
        fail("授予角色时须用 --agency 给出机关代码")
    with new_session() as s:
        try:
            ag = None
            if agency:
                ag = s.exec(select(Agency).where(Agency.code == agency)).first()
                if ag is None:
                    fail(f"机关代码“{agency}”不存在")
            pw = _password(password)
            check_password_policy(pw, username)
            user = admin.create_user(s, username=username, display_name=display_name, password=pw,
                                     platform_admin=platform_admin)
            for r in roles:
                admin.grant(s, user, ag, r)
            record_admin_event(s, _operator(), "user_create", agency_id=ag.id if ag else None,
                               target=f"用户 {username}（{display_name}）",
                               details={"after": {"username": username, "name": display_name,
                                                  "platform_admin": platform_admin, "agency": agency, "roles": roles}})
            s.commit()
        except DomainError as exc:
            fail(exc.message)
    what = [f"在 {agency} 的角色：{'、'.join(roles)}"] if roles else []
    what += ["平台管理员"] if platform_admin else []
    typer.echo(f"已新增用户 {username}（{display_name}），{'；'.join(what)}")


@app.command("set-password")
def set_password(
    username: str,
    password: Annotated[Optional[str], typer.Option("--password", help="至少10位，不能包含用户名")] = None,
) -> None:
    """重设用户密码（并使其全部登录失效）。"""
    from dataclasses import replace

    from engine import admin_ops
    from engine.admin_audit import Origin
    from engine.db import new_session
    from engine.errors import DomainError
    from engine.models import User

    with new_session() as s:
        user = s.exec(select(User).where(User.username == username)).first()
        if user is None:
            fail(f"用户“{username}”不存在")
        try:  # the operator at the server's command line acts with the platform administrator's rights
            admin_ops.reset_password(s, replace(_operator(), platform_admin=True), Origin(user_agent="ogi CLI"),
                                     user.id, _password(password))
        except DomainError as exc:
            fail(exc.message)
    typer.echo(f"已重设 {username} 的密码")


@app.command("platform-admin")
def platform_admin(
    username: str,
    off: Annotated[bool, typer.Option("--off", help="取消其平台管理员身份")] = False,
) -> None:
    """设为（或取消）平台管理员：升级后的部署由此指定第一位平台管理员。"""
    from engine.admin_audit import record_admin_event
    from engine.db import new_session
    from engine.models import User

    with new_session() as s:
        user = s.exec(select(User).where(User.username == username)).first()
        if user is None:
            fail(f"用户“{username}”不存在")
        before, user.platform_admin = user.platform_admin, not off
        s.add(user)
        record_admin_event(s, _operator(), "platform_admin_change", agency_id=None,
                           target=f"用户 {user.username}（{user.display_name}）",
                           details={"before": {"platform_admin": before}, "after": {"platform_admin": not off}})
        s.commit()
    typer.echo(f"{username} {'已不再是' if off else '已设为'}平台管理员")

"""``ogi db``: schema migrations."""

from __future__ import annotations

import typer

app = typer.Typer(help="数据库：迁移与版本", no_args_is_help=True)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="目标版本，默认最新")) -> None:
    """把数据库结构升级到最新版本（Alembic 迁移）。"""
    from engine.migrate import current_revision
    from engine.migrate import upgrade as do_upgrade
    from engine.settings import get_settings

    url = get_settings().database_url
    before = current_revision(url)
    do_upgrade(url, revision)
    after = current_revision(url)
    typer.echo(f"数据库结构：{before or '（空）'} → {after}" if before != after else f"数据库结构已是最新：{after}")
    _load_legacy_calendars()


def _load_legacy_calendars() -> None:
    """Calendar years an earlier version kept as files in the data directory go into the database
    (once: a year the database already holds is left alone)."""
    from engine.settings import get_settings

    from .calendar_cmd import load_legacy_files

    folder = get_settings().legacy_calendar_dir
    if not folder.is_dir() or not any(folder.rglob("*.yaml")):
        return
    for o in load_legacy_files(folder):
        typer.echo(f"日历文件 {o.path}：{o.outcome}")


@app.command("current")
def current() -> None:
    """显示数据库当前的结构版本。"""
    from engine.migrate import current_revision
    from engine.settings import get_settings

    typer.echo(current_revision(get_settings().database_url) or "（尚未初始化）")

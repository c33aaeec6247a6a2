"""The ``ogi`` command line (typer). Thin: parse, call one engine function, print."""

from __future__ import annotations

import typer

from .output import EXIT_BAD_INPUT

from . import (
    archive_cmd,
    calendar_cmd,
    check_cmd,
    db_cmd,
    deadline_cmd,
    demo_cmd,
    fee_cmd,
    letters_cmd,
    report_cmd,
    scheduler_cmd,
    serve_cmd,
    sessions_cmd,
    user_cmd,
)

app = typer.Typer(
    name="ogi",
    help="OGI Workflow 依申请公开工作流引擎 — 命令行工具",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(calendar_cmd.app, name="calendar")
app.add_typer(db_cmd.app, name="db")
app.add_typer(user_cmd.app, name="user")
app.add_typer(sessions_cmd.app, name="sessions")
app.add_typer(letters_cmd.app, name="letters")
app.add_typer(report_cmd.app, name="report")
app.add_typer(archive_cmd.app, name="archive")
app.command("deadline")(deadline_cmd.deadline)
app.command("fee")(fee_cmd.fee)
app.command("check")(check_cmd.check)
app.command("demo")(demo_cmd.demo)
app.command("scheduler")(scheduler_cmd.scheduler)
app.command("sweep")(scheduler_cmd.sweep)
app.command("serve")(serve_cmd.serve)


def main() -> None:
    """Every refusal the engine or the database gives becomes one Chinese line on stderr and exit code 2
    (the one place for it: the commands themselves only print)."""
    from .output import refusal

    try:
        app()
    except Exception as exc:  # noqa: BLE001 — turned into a message, or re-raised when not a refusal
        message = refusal(exc)
        if message is None:
            raise
        typer.echo(f"错误：{message}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from None

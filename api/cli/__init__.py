"""The ``ogi`` command line (typer). Thin: parse, call one engine function, print."""

from __future__ import annotations

import typer

from . import calendar_cmd, deadline_cmd, serve_cmd

app = typer.Typer(
    name="ogi",
    help="OGI Workflow 依申请公开工作流引擎 — 命令行工具",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(calendar_cmd.app, name="calendar")
app.command("deadline")(deadline_cmd.deadline)
app.command("serve")(serve_cmd.serve)


def main() -> None:
    app()

"""Shared printing helpers for the CLI: Chinese errors on stderr, exit code 2 for bad input."""

from __future__ import annotations

import json
import sys
from typing import NoReturn

import typer

EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    typer.echo(f"错误：{message}", err=True)
    raise typer.Exit(code)


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def refusal(exc: BaseException) -> str | None:
    """The Chinese message for an exception that refuses the command (bad input, a missing object, a
    database not yet created or not reachable), or None for a fault that should show its traceback."""
    from pydantic import ValidationError
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from calendars import CalendarError
    from engine.errors import DomainError
    from engine.validation import describe

    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, ValidationError):
        return describe(exc)[0]
    if isinstance(exc, CalendarError):
        return str(exc)
    if isinstance(exc, (OperationalError, ProgrammingError)):
        text = str(exc.orig).lower() if exc.orig is not None else ""
        if "no such table" in text or "does not exist" in text or "no such column" in text:
            return "数据库尚未建立或版本过旧，请先运行 ogi db upgrade"
        return "无法连接数据库，请检查 DATABASE_URL 及数据库服务是否可用"
    if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
        return f"无法读写文件“{exc.filename}”：{'文件不存在' if isinstance(exc, FileNotFoundError) else '没有权限或不是文件'}"
    return None

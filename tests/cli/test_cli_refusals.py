"""Every ``ogi`` command turns a refusal into one Chinese line on stderr and exit code 2 — never a
traceback (api/cli/__init__.main is the one place that does it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

OGI = str(Path(sys.executable).parent / "ogi")


def run(env, cwd, *args, stdin: str = ""):
    return subprocess.run([OGI, *args], env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=300)


@pytest.fixture
def fresh(tmp_path):
    """A database that does not exist yet (no ``ogi db upgrade``)."""
    return {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/ogi.db", "OGI_DATA_DIR": str(tmp_path)}, tmp_path


@pytest.mark.parametrize("args", [
    ["demo"], ["demo", "--password", "演示密码-2026-ogi"], ["check"], ["sweep", "--now"],
    ["user", "add", "zhang", "--name", "张三", "--agency", "DEMO", "--role", "clerk"],
    ["report", "annual", "--year", "2026", "--agency", "DEMO"], ["sessions", "revoke-all", "--yes"],
])
def test_a_database_not_yet_created_is_named_not_a_traceback(fresh, args):
    env, cwd = fresh
    done = run(env, cwd, *args, stdin="演示密码-2026-ogi\n演示密码-2026-ogi\n")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("错误：") and "ogi db upgrade" in done.stderr


@pytest.fixture
def migrated(fresh):
    env, cwd = fresh
    assert run(env, cwd, "db", "upgrade").returncode == 0
    return env, cwd


@pytest.mark.parametrize("args, message", [
    (["demo", "--password", "演示密码123"], "至少10位"),  # the README's old quick-start password (7 characters)
    (["user", "set-password", "nobody"], "不存在"),
    (["user", "add", "zhang", "--name", "张三", "--agency", "NOPE", "--role", "clerk"], "NOPE"),
    (["report", "annual", "--year", "2026", "--agency", "NOPE"], "不存在"),
    (["report", "freeze", "--year", "2025", "--agency", "NOPE"], "不存在"),
    (["calendar", "import", "missing.yaml"], "missing.yaml"),
    (["deadline", "--received", "2026-02-30"], "日期"),
])
def test_refusals_are_chinese_with_exit_code_2(migrated, args, message):
    env, cwd = migrated
    done = run(env, cwd, *args, stdin="演示密码-2026-ogi\n演示密码-2026-ogi\n")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and message in done.stderr


def test_the_entry_point_turns_an_uncaught_domain_error_into_exit_2(monkeypatch, capsys):
    """A command that lets a DomainError through (no try/except of its own) still ends in Chinese."""
    from api import cli
    from engine.errors import NotFound

    def boom() -> None:
        raise NotFound("申请（编号 9）不存在")

    monkeypatch.setattr(cli, "app", boom)
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 2 and capsys.readouterr().err == "错误：申请（编号 9）不存在\n"


def test_a_fault_that_is_not_a_refusal_keeps_its_traceback(monkeypatch):
    from api import cli

    def bug() -> None:
        raise ZeroDivisionError

    monkeypatch.setattr(cli, "app", bug)
    with pytest.raises(ZeroDivisionError):
        cli.main()

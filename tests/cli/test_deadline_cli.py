"""The ``ogi deadline`` and ``ogi calendar`` contracts (issue: Interfaces)."""

import json
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_plain_answer_is_just_the_date(isolated_settings):
    result = run("deadline", "--received", "2026-02-13")
    assert result.exit_code == 0
    assert result.stdout == "2026-03-19\n"


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--working-days", "7"], "2026-03-02"),
        (["--extend", "20"], "2026-04-17"),
        (["--pause", "2026-02-26:2026-03-05"], "2026-03-27"),
        (["--pause", "2026-02-26:2026-03-05", "--pause", "2026-03-10:2026-03-11"], "2026-03-30"),
        (["--restart", "2026-03-02"], "2026-03-30"),
    ],
)
def test_options(isolated_settings, args, expected):
    result = run("deadline", "--received", "2026-02-13", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == expected


def test_sunday_received(isolated_settings):
    assert run("deadline", "--received", "2026-03-15").stdout.strip() == "2026-04-14"


def test_explain_prints_the_day_by_day_table(isolated_settings):
    out = run("deadline", "--received", "2026-02-13", "--explain").stdout
    assert out.splitlines()[0] == "2026-03-19"
    assert "2026-02-14  周六     1  计入：调休上班" in out
    assert "不计：春节" in out
    assert "期限届满日" in out


def test_json_output(isolated_settings):
    result = run("deadline", "--received", "2026-02-13", "--json", "--today", "2026-03-17")
    data = json.loads(result.stdout)
    assert data["due"] == "2026-03-19" and data["provisional"] is False
    assert data["days_left"] == 2 and data["light"] == "orange"
    assert data["explanation"][-1]["counted"] == 20


def test_provisional_only_when_asked(isolated_settings):
    refused = run("deadline", "--received", "2026-12-10")
    assert refused.exit_code == 2 and "2027年的工作日安排" in refused.stderr
    result = run("deadline", "--received", "2026-12-10", "--provisional")
    assert result.exit_code == 0
    assert result.stdout.startswith("2027-01-") and "暂定" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--received", "2026-02-30"], "不是有效日期"),
        (["--received", "yesterday"], "不是有效日期"),
        (["--received", "2026-02-13", "--working-days", "-3"], "“working_days”应在 1 到 366 之间"),
        (["--received", "2026-02-13", "--working-days", "x"], "不是整数"),
        (["--received", "2026-02-13", "--pause", "2026-03-05:2026-02-26"], "结束日期早于开始日期"),
        (["--received", "2026-02-13", "--pause", "2026-03-05"], "应写成 开始日期:结束日期"),
        (["--received", "2026-02-13", "--extend", "21"], "延长期限最长不超过20个工作日"),
        (["--received", "2026-02-13", "--extend", "-1"], "“extend”应在 0 到 20 之间"),
        (["--received", "2026-02-13", "--region", "atlantis"], "未知的地区“atlantis”"),
        (["--received", "2026-02-13", "--restart", "2026-02-01"], "早于收到申请日期"),
        ([], "缺少 --received"),
    ],
)
def test_bad_input_exit_2_with_chinese_message(isolated_settings, args, message):
    result = run("deadline", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_stdin_json_lines_in_order_bad_lines_answered(isolated_settings):
    lines = "\n".join([
        json.dumps({"received": "2026-02-13", "working_days": 20, "pauses": [["2026-02-26", "2026-03-05"]],
                    "restart": None, "extend": 0}),
        json.dumps({"received": "2026-02-30"}),
        "not json",
        json.dumps({"received": "2026-02-13", "extend": 30}),
        json.dumps({"received": "2026-09-30"}),
        json.dumps({"received": "2026-12-10"}),
        json.dumps({"received": "2026-12-10", "provisional": True}),
    ]) + "\n"
    result = run("deadline", "--stdin", stdin=lines)
    assert result.exit_code == 0
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert out[0] == {"due": "2026-03-27", "provisional": False}
    assert "error" in out[1] and "不是有效日期" in out[1]["error"]
    assert "error" in out[2]
    assert "延长期限" in out[3]["error"]
    assert out[4] == {"due": "2026-11-03", "provisional": False}
    assert "2027" in out[5]["error"]
    assert out[6]["provisional"] is True and out[6]["due"].startswith("2027-")
    assert len(out) == 7


def test_calendar_years_and_show(isolated_settings):
    years = run("calendar", "years")
    assert years.exit_code == 0 and "2004—2026" in years.stdout and "chinese-calendar" in years.stdout
    show = run("calendar", "show", "2026")
    assert show.exit_code == 0
    assert "国办发明电〔2025〕7号" in show.stdout
    assert "春节" in show.stdout and "2026-02-15 至 2026-02-23（9天）" in show.stdout
    assert "2026-02-14（周六）春节调休上班" in show.stdout
    missing = run("calendar", "show", "2027")
    assert missing.exit_code == 2 and "2027" in missing.stderr


def test_calendar_import_good_and_bad(isolated_settings, tmp_path):
    from engine.migrate import upgrade

    upgrade(isolated_settings.database_url)  # imported years are stored in the database
    bad = tmp_path / "bad.yaml"
    bad.write_text("year: 2027\nsource: x\nworkdays:\n  - {date: 2027-02-16, name: 调休}\n", encoding="utf-8")
    result = run("calendar", "import", str(bad))
    assert result.exit_code == 2
    assert "第4行：调休上班日 2027-02-16 是周二，不是周末" in result.stderr
    assert run("deadline", "--received", "2026-12-28").exit_code == 2

    good = tmp_path / "good.yaml"
    good.write_text("year: 2027\nsource: 测试通知\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n", encoding="utf-8")
    assert run("calendar", "import", "--check", str(good)).exit_code == 0
    assert run("deadline", "--received", "2026-12-28").exit_code == 2  # --check stored nothing
    result = run("calendar", "import", str(good))
    assert result.exit_code == 0 and "已导入" in result.stdout
    from engine import calendar_registry

    calendar_registry.get_registry.cache_clear()
    after = run("deadline", "--received", "2026-12-28", "--working-days", "5")
    assert after.exit_code == 0 and after.stdout.strip() == "2027-01-05"


@pytest.mark.skipif(shutil.which("ogi") is None and not (sys.prefix and shutil.which("ogi", path=sys.prefix + "/bin")),
                    reason="console script not installed")
def test_console_script_is_installed():
    exe = shutil.which("ogi", path=sys.prefix + "/bin") or "ogi"
    proc = subprocess.run([exe, "deadline", "--received", "2026-02-13"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "2026-03-19"
    bad = subprocess.run([exe, "deadline", "--received", "2026-13-01"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "不是有效日期" in bad.stderr

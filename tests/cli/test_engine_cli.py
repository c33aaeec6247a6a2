"""``ogi fee``, ``ogi db upgrade``, ``ogi check``, ``ogi user``."""

import json

import pytest
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


@pytest.mark.parametrize("args, out", [
    (["--per-item", "--position", "45"], "300"),
    (["--per-item", "--position", "11"], "100"),
    (["--per-volume", "--pages", "250"], "4700"),
    (["--per-volume", "--pages", "100"], "700"),
])
def test_fee_contract(args, out):
    result = runner.invoke(app, ["fee", *args])
    assert result.exit_code == 0 and result.stdout == out + "\n"


def test_fee_explain_and_json():
    result = runner.invoke(app, ["fee", "--per-volume", "--pages", "250", "--explain"])
    assert result.stdout.splitlines() == ["4700", "第1—30页：30页 × 0元 = 0元", "第31—100页：70页 × 10元 = 700元",
                                          "第101—200页：100页 × 20元 = 2000元", "第201—250页：50页 × 40元 = 2000元",
                                          "合计：4700元"]
    data = json.loads(runner.invoke(app, ["fee", "--per-item", "--position", "45", "--json"]).stdout)
    assert data["amount"] == 300 and data["month_total"] == 5500 and data["amount_fen"] == 30000


@pytest.mark.parametrize("args, message", [
    (["--per-volume", "--pages", "0"], "正整数"),
    (["--per-volume", "--pages", "-5"], "正整数"),
    (["--per-volume", "--pages", "12.5"], "正整数"),
    (["--per-item", "--position", "x"], "正整数"),
    (["--per-item", "--per-volume", "--pages", "3"], "只能选择一种"),
    ([], "只能选择一种"),
    (["--per-item"], "--position"),
    (["--per-volume", "--pages", "3", "--position", "3"], "不使用 --position"),
])
def test_fee_bad_input_exit_2(args, message):
    result = runner.invoke(app, ["fee", *args])
    assert result.exit_code == 2 and message in result.stderr


def test_db_upgrade_check_and_user(isolated_settings):
    from alembic.script import ScriptDirectory

    from engine.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0 and f"→ {head}" in result.stdout
    assert "已是最新" in runner.invoke(app, ["db", "upgrade"]).stdout
    assert runner.invoke(app, ["check"]).exit_code == 0
    from engine import admin
    from engine.db import new_session

    with new_session() as s:
        admin.create_agency(s, code="DEMO", name="示例局")
        s.commit()
    result = runner.invoke(app, ["user", "add", "li", "--name", "李四", "--agency", "DEMO", "--role", "clerk",
                                 "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(app, ["user", "add", "li", "--name", "李四", "--agency", "DEMO", "--role", "clerk",
                              "--password", "long-enough-1"])
    assert bad.exit_code == 2 and "已存在" in bad.stderr
    assert runner.invoke(app, ["user", "add", "wang", "--name", "王", "--agency", "NOPE", "--role", "clerk",
                               "--password", "long-enough-1"]).exit_code == 2
    assert runner.invoke(app, ["user", "set-password", "li", "--password", "another-pass-2"]).exit_code == 0


def test_user_cli_password_policy_and_platform_admin(isolated_settings):
    """``ogi user add/set-password`` apply the password policy (exit 2, Chinese); ``--platform-admin``
    makes the deployment's administrator without an agency grant, and the admin audit log records it."""
    from sqlmodel import select

    from engine import admin
    from engine.db import new_session
    from engine.models import AdminEvent, User

    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    with new_session() as s:
        admin.create_agency(s, code="DEMO", name="示例局")
        s.commit()
    weak = runner.invoke(app, ["user", "add", "li", "--name", "李四", "--agency", "DEMO", "--role", "clerk",
                               "--password", "short"])
    assert weak.exit_code == 2 and "至少10位" in weak.stderr
    same = runner.invoke(app, ["user", "add", "li", "--name", "李四", "--agency", "DEMO", "--role", "clerk",
                               "--password", "li-is-my-name-1"])
    assert same.exit_code == 2 and "用户名" in same.stderr
    assert runner.invoke(app, ["user", "add", "boss", "--name", "平台", "--password", "long-enough-1"]).exit_code == 2
    ok = runner.invoke(app, ["user", "add", "boss", "--name", "平台", "--platform-admin", "--password", "long-enough-1"])
    assert ok.exit_code == 0 and "平台管理员" in ok.stdout
    bad = runner.invoke(app, ["user", "set-password", "boss", "--password", "xxxxxxxxxxxx"])
    assert bad.exit_code == 2 and "同一个字符" in bad.stderr
    assert runner.invoke(app, ["user", "add", "wu", "--name", "吴", "--agency", "DEMO", "--role", "admin",
                               "--password", "long-enough-1"]).exit_code == 0
    promoted = runner.invoke(app, ["user", "platform-admin", "wu"])
    assert promoted.exit_code == 0 and "已设为平台管理员" in promoted.stdout
    assert runner.invoke(app, ["user", "platform-admin", "nobody"]).exit_code == 2
    with new_session() as s:
        assert s.exec(select(User).where(User.username == "boss")).one().platform_admin is True
        assert s.exec(select(User).where(User.username == "wu")).one().platform_admin is True
        assert [e.action for e in s.exec(select(AdminEvent)).all()] == ["user_create", "user_create",
                                                                         "platform_admin_change"]


def test_demo_refuses_a_weak_password(isolated_settings):
    """``ogi demo --password`` with a password under the policy: a Chinese message and exit 2, nothing loaded."""
    from sqlmodel import select

    from engine.db import new_session
    from engine.models import Agency

    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    for weak, message in (("演示密码123", "至少10位"), ("admin-password-1", "用户名")):
        result = runner.invoke(app, ["demo", "--password", weak])
        assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output
    with new_session() as s:
        assert s.exec(select(Agency)).first() is None


def test_ogi_check_names_a_rewritten_event_and_a_swapped_letter(isolated_settings, registry):
    """The verifier: a privileged rewrite of an event's actor and a PDF swapped with its hash are
    listed in Chinese and exit 1."""
    import hashlib

    from sqlalchemy import update

    from engine.db import get_engine
    from engine.models import Event, Letter
    from tests.workflow.tampering import tampering
    from tests.workflow.test_tamper_evidence import replied_with_void_and_reissue
    from tests.workflow.world import build_world

    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    w = build_world(get_engine(), registry)
    app_id, _, issued = replied_with_void_and_reissue(w)
    assert runner.invoke(app, ["check"]).exit_code == 0
    forged = b"%PDF-1.7 forged"
    with tampering(get_engine()) as conn:
        conn.execute(update(Event).where(Event.application_id == app_id, Event.name == "sign_off")
                     .values(actor_name="王五"))
        conn.execute(update(Letter).where(Letter.id == issued)
                     .values(pdf=forged, pdf_sha256=hashlib.sha256(forged).hexdigest()))
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "“签发”的内容与其哈希不符" in result.stdout and "DEMO公开〔2026〕2号 的冻结内容" in result.stdout

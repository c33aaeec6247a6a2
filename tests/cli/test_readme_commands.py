"""Every ``ogi`` command the README shows runs as shown (the quick start on a fresh database): the demo
password of ``make run DEMO_PASSWORD=…`` meets the password policy, and each documented result (``# → …``)
is what the command prints."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OGI = str(Path(sys.executable).parent / "ogi")


def readme_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.*?)```", text, flags=re.S)


def readme_commands() -> list[tuple[list[str], str | None]]:
    """``ogi …`` lines of the README's shell blocks, with the ``# → result`` each promises."""
    found = []
    for block in readme_blocks():
        for line in block.splitlines():
            command, _, comment = line.partition("#")
            words = shlex.split(command)
            if words and words[0].endswith("/ogi") or words[:1] == ["ogi"]:
                promised = comment.split("→", 1)[1].split()[0] if "→" in comment else None
                found.append((words[1:], promised))
    return found


def demo_password() -> str:
    for block in readme_blocks():
        if m := re.search(r"make run DEMO_PASSWORD=(\S+)", block):
            return m.group(1)
    raise AssertionError("README 快速开始中没有 make run DEMO_PASSWORD=…")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("readme")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/ogi.db", "OGI_DATA_DIR": str(tmp)}
    for args in (["db", "upgrade"], ["demo", "--if-empty", "--password", demo_password()]):  # what make run does
        done = subprocess.run([OGI, *args], env=env, cwd=tmp, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    return env, tmp


def test_the_readme_shows_commands():
    assert len(readme_commands()) >= 4


def test_the_quick_start_demo_password_meets_the_policy():
    from engine.demo import USERS
    from engine.passwords import check_password_policy

    for username, *_ in USERS:
        check_password_policy(demo_password(), username)


@pytest.mark.parametrize("args, promised", readme_commands(), ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_readme_command_runs_as_shown(env, args, promised):
    environment, cwd = env
    done = subprocess.run([OGI, *args], env=environment, cwd=cwd, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr
    if promised:
        assert done.stdout.decode().split()[0] == promised

"""Logins: the backoff slows the (user name, address) pair that failed and cannot be used to lock the real
user out; logins record their address and user agent; logins and password resets do not fail (503) while
another client writes to SQLite."""

import sqlite3
import threading
import time
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from engine import login_limits
from engine.db import get_engine
from engine.models import ApiToken, LoginFailure, User
from engine.passwords import hash_password

from .conftest import api  # noqa: F401

PASSWORD = "correct-horse-1"


@pytest.fixture
def passwords(api):  # noqa: F811
    with Session(get_engine()) as s:
        digest = hash_password(PASSWORD)
        for uid in api.world.users.values():
            user = s.get(User, uid)
            user.password_hash = digest
            s.add(user)
        s.commit()
    return api


def from_address(api, ip: str, agent: str = "pytest") -> TestClient:  # noqa: F811
    return TestClient(api.client.app, client=(ip, 40000), headers={"User-Agent": agent}, raise_server_exceptions=False)


def login(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_attacker_from_one_address_is_throttled_and_cannot_lock_out_the_real_user(passwords):
    attacker, real = from_address(passwords, "10.0.0.66"), from_address(passwords, "10.0.0.7")
    answers = [login(attacker, "head", "guess").status_code for _ in range(8)]
    assert answers[:3] == [401, 401, 401] and set(answers[3:]) == {429}  # backed off after 3 failures
    refused = login(attacker, "head", PASSWORD)  # even the right password waits: no oracle while throttled
    assert refused.status_code == 429 and refused.json()["detail"].startswith("登录失败次数过多，请")
    assert int(refused.headers["Retry-After"]) >= 1
    assert login(real, "head").status_code == 200  # the real user, from their own address


def test_pair_backoff_doubles_and_then_locks_the_pair_only(passwords):
    with Session(get_engine()) as s:
        for _ in range(login_limits.LOCK_FAILURES):
            s.add(LoginFailure(username="head", ip="10.0.0.66"))
        s.commit()
    r = login(from_address(passwords, "10.0.0.66"), "head")
    assert r.status_code == 429 and "分钟" in r.json()["detail"] and int(r.headers["Retry-After"]) > 14 * 60
    assert login(from_address(passwords, "10.0.0.8"), "head").status_code == 200
    assert login(from_address(passwords, "10.0.0.66"), "clerk").status_code == 200  # another user at that address


def test_waits_grow_exponentially(passwords):
    now = datetime.now(timezone.utc)
    with Session(get_engine()) as s:
        for _ in range(6):
            s.add(LoginFailure(username="head", ip="10.0.0.66", at=now))
        s.commit()
        assert login_limits.wait_seconds(s, "head", "10.0.0.66") == 2 ** 3
        assert login_limits.wait_seconds(s, "head", "10.0.0.67") == 0


def test_an_office_behind_one_nat_is_not_locked_out(passwords, monkeypatch):
    """The per-address ceiling refuses the user names that failed there, not colleagues without failures."""
    monkeypatch.setattr(login_limits, "ADDRESS_CEILING", 6)
    office = from_address(passwords, "10.1.1.1")
    for name in ("a", "b", "c", "d", "e", "f"):
        assert login(office, name, "guess").status_code == 401
    assert login(office, "a", "guess").status_code == 429
    assert login(office, "clerk").status_code == 200


def test_distributed_guessing_cannot_lock_out_the_user_from_a_known_address(passwords, monkeypatch):
    monkeypatch.setattr(login_limits, "USER_CEILING", 4)
    home = from_address(passwords, "10.0.0.7")
    assert login(home, "head").status_code == 200  # the user's own address, known from this login
    for i in range(4):
        assert login(from_address(passwords, f"10.9.0.{i}"), "head", "guess").status_code == 401
    assert login(from_address(passwords, "10.9.0.99"), "head", "guess").status_code == 429  # a fresh address
    assert login(home, "head").status_code == 200


def test_web_login_backoff_answers_429_with_retry_after(passwords):
    client = from_address(passwords, "10.0.0.66")
    for _ in range(3):
        assert "用户名或密码不正确" in client.post("/login", data={"username": "head", "password": "x"}).text
    r = client.post("/login", data={"username": "head", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 429 and "登录失败次数过多" in r.text and r.headers["Retry-After"]


def test_login_records_address_and_user_agent_and_shows_recent_logins(passwords):
    client = from_address(passwords, "10.0.0.7", agent="Mozilla/5.0 (X11; Linux) OGI-test")
    login(from_address(passwords, "10.0.0.66"), "clerk", "guess")
    token = login(client, "clerk").json()["token"]
    with Session(get_engine()) as s:
        row = s.exec(select(ApiToken).where(ApiToken.user_id == passwords.world.users["clerk"], ApiToken.ip != "")).one()
        assert (row.ip, row.user_agent, row.web) == ("10.0.0.7", "Mozilla/5.0 (X11; Linux) OGI-test", False)
    seen = client.get("/api/v1/auth/logins", headers={"Authorization": f"Bearer {token}"}).json()
    assert seen["logins"][0]["ip"] == "10.0.0.7" and seen["logins"][0]["active"]
    assert seen["failures"][0]["ip"] == "10.0.0.66"
    web = from_address(passwords, "10.0.0.9")
    assert web.post("/login", data={"username": "clerk", "password": PASSWORD}, follow_redirects=False).status_code == 303
    with Session(get_engine()) as s:
        assert s.exec(select(ApiToken).where(ApiToken.ip == "10.0.0.9")).one().web is True


def hold_write_lock(db_path: str, held: threading.Event, seconds: float) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=30)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE agencies SET name = name")
    held.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


def test_logins_and_password_reset_do_not_fail_while_another_client_writes(passwords, isolated_settings):
    """SQLite: the password check runs outside any transaction and the write takes the lock up front, so a
    concurrent writer makes logins wait, never answer 503."""
    db_path = isolated_settings.database_url.removeprefix("sqlite:///")
    clerk_id = passwords.world.users["clerk"]
    calls = [
        lambda c: login(c, "head"),
        lambda c: login(c, "legal"),
        lambda c: login(c, "supervisor", "wrong"),
        lambda c: c.post("/login", data={"username": "head2", "password": PASSWORD}, follow_redirects=False),
        lambda c: c.post(f"/api/v1/admin/users/{clerk_id}/password", json={"password": "another-horse-2"},
                         headers={"Authorization": f"Bearer {passwords.tokens['admin']}"}),
    ]
    for round_ in range(2):
        held = threading.Event()
        writer = threading.Thread(target=hold_write_lock, args=(db_path, held, 0.6))
        results: list[int] = []

        def call(fn, i):
            results.append(fn(from_address(passwords, f"10.3.{round_}.{i}")).status_code)

        workers = [threading.Thread(target=call, args=(fn, i)) for i, fn in enumerate(calls)]
        writer.start()
        held.wait(5)
        for w in workers:
            w.start()
            time.sleep(0.05)
        writer.join()
        for w in workers:
            w.join()
        assert 503 not in results and sorted(results) == [200, 200, 200, 303, 401], results


def test_workbench_shows_the_user_their_recent_logins(passwords):
    client = from_address(passwords, "10.0.0.7", agent="OGI-test-browser")
    login(from_address(passwords, "10.0.0.66"), "clerk", "guess")
    assert client.post("/login", data={"username": "clerk", "password": PASSWORD}, follow_redirects=False).status_code == 303
    page = client.get("/account/logins")
    assert page.status_code == 200 and "10.0.0.7" in page.text and "OGI-test-browser" in page.text and "工作台" in page.text
    assert "10.0.0.66" in page.text  # the failed attempt under the clerk's name
    other = from_address(passwords, "10.0.0.8")
    assert other.post("/login", data={"username": "other_clerk", "password": PASSWORD}, follow_redirects=False).status_code == 303
    assert "10.0.0.7" not in other.get("/account/logins").text  # another agency's user sees only their own

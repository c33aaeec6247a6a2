"""E-mail digests to a local SMTP server (aiosmtpd), signed webhooks, retries with backoff;
two schedulers against one PostgreSQL: one leads."""

import email
import hashlib
import hmac
import json
import threading
from datetime import date, datetime, timedelta, timezone
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from engine.alerting.delivery import SIGNATURE_HEADER, build_digests, deliver_pending
from engine.alerting.sweep import run_sweep
from engine.models import Agency, Delivery, User
from engine.settings import Settings

from ..workflow.test_happy_paths import to_handling
from ..workflow.world import LETTERS, build_world


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_digest_email_in_chinese(sqlite_db, registry, smtp):
    inbox, port = smtp
    w = build_world(sqlite_db, registry)
    with Session(sqlite_db) as s:
        user = s.get(User, w.users["clerk"])
        user.email, user.display_name = "clerk@example.cn", "李明"
        s.add(user)
        s.commit()
    for received in ("2026-02-02", "2026-02-27"):
        app_id = w.register(today="2026-03-10", channel_facts={"mail_received": received})
        to_handling(w, app_id, today="2026-03-10")
    with Session(sqlite_db) as s:
        assert build_digests(s, date(2026, 3, 20), registry) == 1
        assert build_digests(s, date(2026, 3, 20), registry) == 0  # once a day
        result = deliver_pending(s, Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_from="ogi@example.cn"))
    assert result == {"sent": 1, "retry_later": 0}
    msg = inbox.messages[0]
    subject = str(make_header(decode_header(msg["Subject"])))
    assert subject == "【依申请公开】期限提醒：逾期1件，即将到期1件"
    body = msg.get_payload(decode=True).decode("utf-8")
    assert "李明" in body and "已逾期" in body and "DEMO-2026-00001" in body


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    fail = True

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Receiver.fail:
            self.send_response(500)
            self.end_headers()
            return
        Receiver.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhook_signed_and_retried(sqlite_db, registry, monkeypatch):
    # the signing and retry mechanics against a receiver on this machine: the address policy (which
    # refuses loopback, see the tests below) is set aside for this test only
    monkeypatch.setattr("engine.alerting.delivery.check_delivery_target", lambda url: None)
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    w = build_world(sqlite_db, registry)
    with Session(sqlite_db) as s:  # written directly: the admin routes refuse a loopback webhook (SSRF rule)
        agency = s.get(Agency, w.agency_id)
        agency.settings = {**agency.settings, "webhook_url": url, "webhook_secret": "s3cret"}
        s.add(agency)
        s.commit()
    app_id = w.register(today="2026-02-02", channel_facts={"mail_received": "2026-02-02"})
    to_handling(w, app_id, today="2026-02-03")
    run_sweep(lambda: Session(sqlite_db, expire_on_commit=False), registry, date(2026, 3, 10), LETTERS)
    settings = Settings()
    Receiver.fail, Receiver.received = True, []
    with Session(sqlite_db) as s:
        n = len(s.exec(select(Delivery)).all())
        assert n >= 1
        assert deliver_pending(s, settings) == {"sent": 0, "retry_later": n}
        d = s.exec(select(Delivery)).first()
        assert d.attempts == 1 and d.status == "pending" and "HTTP 500" in d.last_error
        assert deliver_pending(s, settings) == {"sent": 0, "retry_later": 0}  # backing off
        Receiver.fail = False
        later = datetime.now(timezone.utc) + timedelta(minutes=5)
        assert deliver_pending(s, settings, now=later)["sent"] == n
    headers, body = Receiver.received[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == expected
    payload = json.loads(body)
    assert payload["agency"] == "DEMO" and "逾期" in payload["message"]
    server.shutdown()
    with Session(sqlite_db) as s:
        assert s.get(Agency, w.agency_id).options.webhook_url == url


def test_two_schedulers_one_leader(pg_url, monkeypatch, tmp_path):
    from engine import settings as settings_mod
    from engine.alerting.scheduler import SchedulerService

    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path))
    settings_mod.get_settings.cache_clear()
    import engine.alerting.scheduler as sched

    monkeypatch.setattr(sched, "build_scheduler", lambda letters=None: _NoJobs())
    a, b = SchedulerService(retry_seconds=0.2), SchedulerService(retry_seconds=0.2)
    a.start()
    assert a.leading.wait(5)
    b.start()
    assert not b.leading.wait(1)  # waits while a leads
    a.stop()
    assert b.leading.wait(5)  # and takes over
    b.stop()
    settings_mod.get_settings.cache_clear()


class _NoJobs:
    def start(self):
        pass

    def modify_job(self, *a, **k):
        pass

    def shutdown(self, wait=True):
        pass


def _queue_webhook(sqlite_db, registry, url):
    w = build_world(sqlite_db, registry)
    with Session(sqlite_db) as s:  # as stored before the saving rule existed, or re-pointed since
        agency = s.get(Agency, w.agency_id)
        agency.settings = {**agency.settings, "webhook_url": url}
        s.add(agency)
        s.commit()
    app_id = w.register(today="2026-02-02", channel_facts={"mail_received": "2026-02-02"})
    to_handling(w, app_id, today="2026-02-03")
    run_sweep(lambda: Session(sqlite_db, expire_on_commit=False), registry, date(2026, 3, 10), LETTERS)


@pytest.mark.parametrize("url, resolved", [
    ("http://127.0.0.1:9/hook", None),  # a loopback URL stored before the rule
    ("https://hooks.example.gov.cn/alerts", "10.20.30.40"),  # a public-looking name pointing inside
    ("https://metadata.example.cn/", "169.254.169.254"),
    ("https://v6.example.cn/", "::1"),
])
def test_webhook_to_an_internal_address_is_refused_at_delivery(sqlite_db, registry, monkeypatch, url, resolved):
    """SSRF: at delivery the host name is resolved and every address must be public; a refused delivery
    is given up (never retried) with a Chinese reason, and nothing is sent."""
    import socket

    from engine import webhook_policy

    def fake_resolve(host, port, type=0):
        return [(socket.AF_INET6 if ":" in resolved else socket.AF_INET, type, 6, "", (resolved, port))]

    monkeypatch.setattr(webhook_policy.socket, "getaddrinfo", fake_resolve)
    monkeypatch.setattr("engine.alerting.delivery.httpx.post", lambda *a, **k: pytest.fail("nothing may be sent"))
    _queue_webhook(sqlite_db, registry, url)
    with Session(sqlite_db) as s:
        n = len(s.exec(select(Delivery)).all())
        assert n >= 1 and deliver_pending(s, Settings()) == {"sent": 0, "retry_later": n}
        for d in s.exec(select(Delivery)).all():
            assert d.status == "failed" and ("内网" in d.last_error or "本机" in d.last_error)

"""Events per second through the service layer (one transaction per event, audit event included),
on SQLite and on PostgreSQL (TEST_DATABASE_URL, skipped when unreachable).

Run: .venv/bin/python benchmarks/bench_engine.py [--apps 300]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from calendars import CalendarRegistry  # noqa: E402
from engine import admin, workflow  # noqa: E402
from engine.actors import load_actor  # noqa: E402
from engine.db import make_engine, normalise_url  # noqa: E402
from engine.migrate import upgrade  # noqa: E402

TODAY = date(2026, 3, 10)
APPLICANT = {"kind": "natural", "name": "张三", "id_type": "resident_id", "id_number": "110101199003091234",
             "phone": "13800138000"}


class FakeLetters:
    """The letter port without the PDF (letters are measured separately)."""

    def audit(self, case, letter, registry):
        return []

    def render(self, agency, letter):
        return b"%PDF-bench", "bench"


def run(url: str, apps: int, label: str) -> None:
    engine = make_engine(url)
    registry = CalendarRegistry()
    with Session(engine) as s:
        gov = admin.create_agency(s, code="GOV", name="政府办")
        ag = admin.create_agency(s, code="B", name="测试局", competent_department="GOV", review_body="市政府", court="某法院")
        users = {}
        for name, role in (("clerk", "clerk"), ("head", "head")):
            u = admin.create_user(s, username=name, display_name=name, password=None)
            admin.grant(s, u, ag, role)
            users[name] = u.id
        s.commit()
        agency_id = ag.id
        del gov
    with Session(engine) as s:
        clerk, head = load_actor(s, users["clerk"]), load_actor(s, users["head"])
    letters = FakeLetters()
    steps = [(clerk, "start_review", {}), (clerk, "accept", {}),
             (clerk, "decide", {"outcome": "needs_creation", "details": {"reasons": "需另行制作"}}),
             (head, "sign_off", {})]
    t0 = time.perf_counter()
    ids = []
    for i in range(apps):
        with Session(engine, expire_on_commit=False) as s:
            app, _ = workflow.register(s, clerk, agency_id, {
                "applicant": APPLICANT, "channel": "email", "channel_facts": {"mail_received": "2026-03-02"},
                "request_text": f"请公开第{i}项信息", "form_wanted": "electronic", "delivery_wanted": "email",
            }, today=TODAY, registry=registry)
            ids.append(app.id)
    t_reg = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = 0
    for app_id in ids:
        for actor, event, inputs in steps:
            with Session(engine, expire_on_commit=False) as s:
                workflow.fire(s, actor, app_id, event, inputs, today=TODAY, registry=registry, letters=letters)
            n += 1
    t_ev = time.perf_counter() - t0
    print(f"{label}: {apps} registrations in {t_reg:.2f} s ({apps / t_reg:.0f}/s); "
          f"{n} events in {t_ev:.2f} s ({n / t_ev:.0f} events/s, {t_ev / n * 1000:.2f} ms each), one client")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--apps", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        run(url, args.apps, "SQLite    ")
    pg = normalise_url(os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    try:
        admin_engine = sa.create_engine(pg, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin_engine.connect() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS ogi_bench CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA ogi_bench")
    except Exception as exc:  # noqa: BLE001
        print(f"PostgreSQL: skipped ({exc.__class__.__name__})")
        return
    url = pg + ("&" if "?" in pg else "?") + "options=-csearch_path%3Dogi_bench"
    upgrade(url)
    try:
        run(url, args.apps, "PostgreSQL")
    finally:
        with admin_engine.connect() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS ogi_bench CASCADE")
    _ = SQLModel


if __name__ == "__main__":
    main()

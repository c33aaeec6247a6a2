"""One sweep over 1,000,000 open applications on PostgreSQL: time and peak memory.

Targets (issue: scheduler): under 60 s and under 500 MB — the sweep streams, it never loads everything.
Rows are generated with one INSERT … SELECT generate_series (not through the services, for speed),
due dates spread from 4 days before today to 59 days after (a backlog with a few overdue).
Run: .venv/bin/python benchmarks/bench_sweep.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session  # noqa: E402

from calendars import CalendarRegistry  # noqa: E402
from engine import admin  # noqa: E402
from engine.alerting.sweep import run_sweep  # noqa: E402
from engine.db import make_engine  # noqa: E402
from benchmarks._pg import pg_schema  # noqa: E402

SCHEMA = "ogi_bench_sweep"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--today", default="2026-06-15")
    args = parser.parse_args()
    today = date.fromisoformat(args.today)
    with pg_schema(SCHEMA) as url:
        ok = run(url, args.rows, today)
    print("RESULT:", "targets met" if ok else "TARGETS MISSED")
    raise SystemExit(0 if ok else 1)


def run(url: str, rows_n: int, today: date) -> bool:
    engine = make_engine(url)
    with Session(engine) as s:
        admin.create_agency(s, code="GOV", name="政府办")
        ag = admin.create_agency(s, code="B", name="压测局", competent_department="GOV")
        user = admin.create_user(s, username="clerk", display_name="经办", password=None)
        admin.grant(s, user, ag, "clerk")
        s.commit()
        agency_id, user_id = ag.id, user.id
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO applicants (kind, name, id_type, id_number, phone, email, address, postcode, created_at) "
            "SELECT 'natural', '申请人' || g, 'passport', 'P' || g, '', '', '', '', now() FROM generate_series(1, 1000) g")
        conn.exec_driver_sql(f"""
            INSERT INTO applications (agency_id, number, applicant_id, channel, channel_facts, received_date, request_text,
                purpose, form_wanted, delivery_wanted, status, outcome_details, registered_by_id, handling_clerk_id,
                correction_items, extension_days, extension_reason, later_due_reason, due_date, due_provisional,
                clock_state, version, created_at, updated_at)
            SELECT {agency_id}, 'B-' || g, 1 + mod(g, 1000), 'online', '{{}}', DATE '{today}' - 20, '压测申请 ' || g, '',
                'electronic', 'email', 'handling', '{{}}', {user_id}, {user_id}, '[]', 0, '', '',
                DATE '{today}' + (mod(g, 64) - 4), false, CASE WHEN mod(g, 10) = 0 THEN 'paused' ELSE 'running' END,
                1, now(), now()
            FROM generate_series(1, {rows_n}) g""")
        conn.exec_driver_sql("ANALYZE applications")
    print(f"generated {rows_n:,} open applications in {time.perf_counter() - t0:.1f} s")
    registry = CalendarRegistry()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    report = run_sweep(lambda: Session(engine, expire_on_commit=False), registry, today, {})
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"sweep over {rows_n:,} open applications: {elapsed:.1f} s (target < 60 s); "
          f"peak RSS {peak:.0f} MB (before the sweep {rss0:.0f} MB; target < 500 MB)")
    print(f"  {report}")
    t0 = time.perf_counter()
    again = run_sweep(lambda: Session(engine, expire_on_commit=False), registry, today, {})
    print(f"second sweep (idempotent): {time.perf_counter() - t0:.1f} s; new alerts {sum(again.alerts.values())}")
    engine.dispose()
    return elapsed < 60 and peak < 500 and sum(again.alerts.values()) == 0


if __name__ == "__main__":
    main()

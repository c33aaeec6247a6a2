"""The annual report (tables 三 and 四, fee figures, consistency check) for one agency-year in a
database of 1,000,000 applications, on PostgreSQL and SQLite. Target: under 2 s.

Rows are generated in SQL (4 agencies, received 2022–2027, every outcome, a fifth still open).
Run: .venv/bin/python benchmarks/bench_reports.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from engine import admin  # noqa: E402
from benchmarks._pg import pg_schema  # noqa: E402
from engine.db import make_engine  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from engine.models import Agency  # noqa: E402
from engine.outcomes import GROUNDS, OUTCOMES  # noqa: E402
from engine.reports.annual import annual_report  # noqa: E402

SCHEMA = "ogi_bench_reports"


def populate(engine, rows: int) -> int:
    with Session(engine) as s:
        admin.create_agency(s, code="GOV", name="政府办")
        ids = [admin.create_agency(s, code=f"A{i}", name=f"局{i}", competent_department="GOV").id for i in range(4)]
        user = admin.create_user(s, username="clerk", display_name="经办", password=None)
        s.commit()
        user_id = user.id
    outcomes = list(OUTCOMES)
    grounds = list(GROUNDS)
    pg = engine.dialect.name == "postgresql"
    series = "generate_series(1, {n}) g" if pg else "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {n}) SELECT g FROM s)"
    day = "(DATE '2022-01-03' + (mod(g::bigint * 7919, 2190))::int)" if pg else "date('2022-01-03', '+' || ((g * 7919) % 2190) || ' days')"
    concluded = ("CASE WHEN mod(g, 5) = 0 THEN NULL ELSE {day} + (mod(g, 40))::int END" if pg else
                 "CASE WHEN g % 5 = 0 THEN NULL ELSE date({day}, '+' || (g % 40) || ' days') END").format(day=day)
    mod = (lambda a, b: f"mod({a}, {b})") if pg else (lambda a, b: f"({a} % {b})")
    outcome_case = "CASE " + " ".join(f"WHEN {mod('g', len(outcomes))} = {i} THEN '{o}'" for i, o in enumerate(outcomes)) + " END"
    ground_case = "CASE " + " ".join(f"WHEN {mod('g', len(grounds))} = {i} THEN '{gr}'" for i, gr in enumerate(grounds)) + " END"
    agency_case = "CASE " + " ".join(f"WHEN {mod('g', 4)} = {i} THEN {aid}" for i, aid in enumerate(ids)) + " END"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO applicants (kind, subtype, name, id_type, id_number, phone, email, address, postcode, created_at) "
            "SELECT CASE WHEN " + mod("g", 3) + " = 0 THEN 'legal' ELSE 'natural' END, CASE WHEN " + mod("g", 3)
            + " = 0 THEN 'commercial' END, 'A' || g, 'passport', 'P' || g, '', '', '', '', CURRENT_TIMESTAMP FROM "
            + series.format(n=2000))
        conn.exec_driver_sql(f"""
            INSERT INTO applications (agency_id, number, applicant_id, channel, channel_facts, received_date, request_text,
                purpose, form_wanted, delivery_wanted, status, outcome, outcome_details, withhold_ground, registered_by_id,
                correction_items, extension_days, extension_reason, later_due_reason, concluded_on, due_provisional,
                clock_state, version, created_at, updated_at)
            SELECT {agency_case}, 'N' || g, 1 + {mod('g', 2000)}, 'online', '{{}}', {day}, 'r', '', 'electronic', 'email',
                CASE WHEN {mod('g', 5)} = 0 THEN 'handling' ELSE 'replied' END,
                CASE WHEN {mod('g', 5)} = 0 THEN NULL ELSE {outcome_case} END, '{{}}',
                CASE WHEN {mod('g', 5)} <> 0 AND ({outcome_case}) = 'withhold' THEN {ground_case} END,
                {user_id}, '[]', 0, '', '', {concluded}, false, 'running', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
            FROM {series.format(n=rows)}""")
        conn.exec_driver_sql("ANALYZE")
    return ids[0]


def measure(label: str, engine, rows: int) -> float:
    t0 = time.perf_counter()
    agency_id = populate(engine, rows)
    print(f"{label}: generated {rows:,} applications in {time.perf_counter() - t0:.1f} s")
    with Session(engine) as s:
        annual_report(s, [agency_id], 2025)  # warm the caches
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            report = annual_report(s, [agency_id], 2025)
            times.append(time.perf_counter() - t0)
        gov = s.exec(select(Agency).where(Agency.code == "GOV")).one()
        kids = [a.id for a in s.exec(select(Agency).where(Agency.competent_department_id == gov.id)).all()]
        t0 = time.perf_counter()
        whole = annual_report(s, kids, 2025)
        t_all = time.perf_counter() - t0
    t = report.table3
    print(f"  one agency-year (2025): {min(times):.2f} s best / {max(times):.2f} s worst of 3   (target < 2 s); "
          f"new {t['1']['total']:,}, concluded {t['3.7']['total']:,}, check {'ok' if report.check_ok else 'FAILED'}")
    print(f"  all 4 agencies under the competent department: {t_all:.2f} s; new {whole.table3['1']['total']:,}")
    return max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    worst = []
    try:
        with pg_schema(SCHEMA) as url:
            engine = make_engine(url)
            worst.append(measure("PostgreSQL", engine, args.rows))
            engine.dispose()
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL: skipped ({exc.__class__.__name__})")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        worst.append(measure("SQLite", engine, args.rows))
        engine.dispose()
    ok = all(t < 2 for t in worst)
    print("RESULT:", "targets met" if ok else "TARGETS MISSED")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()

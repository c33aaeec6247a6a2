"""The portal's public reads: the progress answer and the letter verification, under 50 concurrent
clients (aiohttp) against one uvicorn worker, on PostgreSQL (TEST_DATABASE_URL, a schema of its own) or
SQLite. Prints p50/p95/p99 per route and the CPU per request of the server, the database and the load
generator.

Target (issue #25): p95 < 100 ms with 50 concurrent clients on 2 cores.
Run: .venv/bin/python benchmarks/bench_portal.py [--duration 10] [--clients 50] [--cases 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import _cpu  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, cases: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The world, ``cases`` online applications confirmed, each with an issued correction notice."""
    from datetime import date

    from fastapi.testclient import TestClient
    from sqlmodel import Session, select

    from api import deps
    from api.main import create_app
    from calendars import CalendarRegistry
    from engine.db import get_engine
    from engine.migrate import upgrade
    from engine.models import Letter
    from engine.portal import limits
    from tests.workflow.world import APPLICANT, build_world

    upgrade(url)
    world = build_world(get_engine(), CalendarRegistry())
    limits.SUBMISSIONS_PER_HOUR = 10**9
    app = create_app()
    app.dependency_overrides[deps.today] = lambda: date(2026, 3, 10)
    client = TestClient(app)
    body = {"agency_code": "DEMO", "applicant": APPLICANT, "request_text": "请公开2025年本局行政许可事项办理情况统计",
            "form_wanted": "electronic", "delivery_wanted": "online"}
    tracked = []
    for _ in range(cases):
        r = client.post("/api/v1/public/applications", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}).json()
        tracked.append((r["tracking_number"], r["query_code"]))
    with Session(world.engine) as s:
        from engine.models import OnlineSubmission

        ids = s.exec(select(OnlineSubmission.id)).all()
    from engine.portal import submissions

    for sid in ids:
        with world.session() as s:
            app_ = submissions.confirm(s, world.actor("clerk"), sid, {}, today=date(2026, 3, 10),
                                       registry=world.registry)
        world.fire("clerk", app_.id, "start_review", today="2026-03-10")
        world.fire("clerk", app_.id, "request_correction", {"items": ["请写明文件名称"]}, today="2026-03-10")
        with Session(world.engine) as s:
            letter_id = s.exec(select(Letter.id).where(Letter.application_id == app_.id)).one()
        world.fire("clerk", app_.id, "issue_letter", {"letter_id": letter_id}, today="2026-03-10")
    with Session(world.engine) as s:
        letters = [(x.number, x.data["verify_code"]) for x in s.exec(select(Letter)).all()]
    return tracked, letters


async def load(base: str, clients: int, duration: float, tracked, letters) -> dict[str, list[float]]:
    import aiohttp

    times: dict[str, list[float]] = {"progress": [], "verify": []}
    errors = 0
    end = time.perf_counter() + duration

    async def client(session):
        nonlocal errors
        while time.perf_counter() < end:
            if random.random() < 0.5:
                number, code = random.choice(tracked)
                kind, url, params = "progress", f"{base}/api/v1/public/applications/{number}", {"code": code}
            else:
                number, code = random.choice(letters)
                kind, url, params = "verify", f"{base}/api/v1/public/letters/verify", {"number": number, "code": code}
            t = time.perf_counter()
            async with session.get(url, params=params) as r:
                await r.read()
                if r.status != 200:
                    errors += 1
            times[kind].append((time.perf_counter() - t) * 1000)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as session:
        await asyncio.gather(*(client(session) for _ in range(clients)))
    times["errors"] = [errors]
    return times


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] if len(values) > 1 else (values or [0])[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        os.environ["DATABASE_URL"] = url
        os.environ["OGI_DATA_DIR"] = tmp
        tracked, letters = prepare(url, args.cases)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port), "--log-level",
                                   "warning", "--no-access-log"], cwd=ROOT, env={**os.environ})
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            asyncio.run(load(base, args.clients, 2, tracked, letters))  # warm-up
            before = _cpu.snapshot(server.pid)
            times = asyncio.run(load(base, args.clients, args.duration, tracked, letters))
            after = _cpu.snapshot(server.pid)
        finally:
            server.terminate()
            server.wait(10)
    n = len(times["progress"]) + len(times["verify"])
    print(f"{_cpu.interpreter()}; database {url.split(':', 1)[0]}; {args.clients} clients, {args.duration:.0f} s, "
          f"{n / args.duration:.0f} requests/s, {times['errors'][0]} errors")
    for kind in ("progress", "verify"):
        v = times[kind]
        print(f"{kind:9s} n={len(v):6d}  p50 {pct(v, 50):6.1f} ms  p95 {pct(v, 95):6.1f} ms  p99 {pct(v, 99):6.1f} ms"
              f"  {'met' if pct(v, 95) < 100 else 'NOT met'} (p95 < 100 ms)")
    print(_cpu.describe(_cpu.spent(before, after), n))


if __name__ == "__main__":
    main()

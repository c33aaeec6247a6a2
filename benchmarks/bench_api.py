"""API throughput against PostgreSQL: several uvicorn workers, 32 concurrent clients firing events on
many applications (some deliberately conflicting), one worker killed with SIGKILL in the middle.

Afterwards it verifies that every accepted event is in the audit trail exactly once, that refused and
failed requests left nothing, and that ``ogi check`` finds nothing wrong.

Targets (spec README): ≥ 300 events/s sustained, p99 < 100 ms on 2 cores.
Run: .venv/bin/python benchmarks/bench_api.py [--apps 600] [--clients 32] [--workers 3]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlmodel import Session, func, select  # noqa: E402

from calendars import CalendarRegistry  # noqa: E402
from engine import admin, services  # noqa: E402
from engine.actors import load_actor  # noqa: E402
from engine.check import run_checks  # noqa: E402
from benchmarks._pg import pg_schema  # noqa: E402
from engine.db import make_engine  # noqa: E402
from engine.models import ApiToken, Application, Event  # noqa: E402

SCHEMA = "ogi_bench_api"
TODAY = date.today()
STEPS = [("start_review", {}), ("accept", {}), ("request_extension", {"days": 5, "reason": "压测"}),
         ("decide", {"outcome": "needs_creation", "details": {"reasons": "压测"}})]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, apps: int) -> tuple[list[int], list[str]]:
    engine = make_engine(url)
    registry = CalendarRegistry(import_dir=None)
    with Session(engine) as s:
        admin.create_agency(s, code="GOV", name="政府办")
        ag = admin.create_agency(s, code="B", name="压测局", competent_department="GOV", review_body="市政府", court="法院")
        clerks = []
        for i in range(8):
            u = admin.create_user(s, username=f"clerk{i}", display_name=f"经办{i}", password=None)
            admin.grant(s, u, ag, "clerk")
            clerks.append(u.id)
        s.commit()
        agency_id = ag.id
    tokens = []
    with Session(engine) as s:
        for uid in clerks:
            token = secrets.token_urlsafe(24)
            s.add(ApiToken(user_id=uid, token_hash=hashlib.sha256(token.encode()).hexdigest(),
                           expires_at=datetime.now(timezone.utc) + timedelta(hours=2)))
            tokens.append(token)
        s.commit()
        actor = load_actor(s, clerks[0])
    ids = []
    for i in range(apps):
        with Session(engine, expire_on_commit=False) as s:
            app, _ = services.register(s, actor, agency_id, {
                "applicant": {"kind": "natural", "name": f"申请人{i % 50}", "id_type": "passport", "id_number": f"P{i % 50:07d}",
                              "phone": "13800000000"},
                "channel": "online", "channel_facts": {"confirmed": TODAY.isoformat()}, "request_text": f"压测申请{i}",
                "form_wanted": "electronic", "delivery_wanted": "email"}, today=TODAY, registry=registry)
            ids.append(app.id)
    engine.dispose()
    return ids, tokens


async def client_loop(n: int, base: str, token: str, queue: asyncio.Queue, results: list, stop: float) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=10) as http:
        while time.perf_counter() < stop:
            try:
                app_id, step, etag = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            event, body = STEPS[step]
            hdrs = {"If-Match": etag} if etag else {}
            t0 = time.perf_counter()
            try:
                r = await http.post(f"/api/v1/applications/{app_id}/events/{event}", json=body, headers=hdrs)
                status = r.status_code
                new_etag = r.headers.get("etag")
            except httpx.HTTPError:
                status, new_etag = 599, None
            results.append((time.perf_counter() - t0, status, app_id, event))
            if status == 200 and step + 1 < len(STEPS):
                queue.put_nowait((app_id, step + 1, new_etag))
            elif status in (599, 502, 503) and step < len(STEPS):
                queue.put_nowait((app_id, step, None))  # retry after a worker died (without If-Match)


async def drive(base: str, ids: list[int], tokens: list[str], clients: int, duration: float, conflict_share: float,
                kill: callable) -> list:
    queue: asyncio.Queue = asyncio.Queue()
    rng = random.Random(7)
    for app_id in ids:
        queue.put_nowait((app_id, 0, f'"{app_id}-1"'))
        if rng.random() < conflict_share:  # a second clerk racing on the same first step
            queue.put_nowait((app_id, 0, f'"{app_id}-1"'))
    results: list = []
    stop = time.perf_counter() + duration
    tasks = [asyncio.create_task(client_loop(i, base, tokens[i % len(tokens)], queue, results, stop)) for i in range(clients)]
    await asyncio.sleep(duration / 3)
    kill()
    await asyncio.gather(*tasks)
    return results


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(x) for x in out]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--apps", type=int, default=600)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--no-kill", action="store_true")
    args = parser.parse_args()
    with pg_schema(SCHEMA) as url:
        good = run(url, args)
    print("RESULT:", "targets met" if good else "TARGETS MISSED")
    raise SystemExit(0 if good else 1)


def run(url: str, args) -> bool:
    print(f"preparing {args.apps} applications…")
    ids, tokens = prepare(url, args.apps)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "OGI_DATA_DIR": str(ROOT / "var" / "bench")}
    log = open(ROOT / "var" / "bench_api.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(args.workers), "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        killed: list[int] = []

        def kill() -> None:
            if args.no_kill:
                return
            workers = children(server.pid)
            if workers:
                os.kill(workers[0], signal.SIGKILL)
                killed.append(workers[0])

        t0 = time.perf_counter()
        results = asyncio.run(drive(base, ids, tokens, args.clients, args.duration, 0.25, kill))
        elapsed = time.perf_counter() - t0
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    ok = [r for r in results if r[1] == 200]
    conflicts = [r for r in results if r[1] == 409]
    errors = [r for r in results if r[1] >= 500]
    other = [r for r in results if r[1] not in (200, 409) and r[1] < 500]
    lat = sorted(r[0] * 1000 for r in ok)
    p50 = statistics.median(lat) if lat else 0
    p99 = lat[int(len(lat) * 0.99) - 1] if lat else 0
    rate = len(ok) / elapsed
    print(f"{args.workers} workers, {args.clients} clients, {elapsed:.1f} s: {len(results)} requests")
    print(f"  accepted events   {len(ok):6d}   {rate:7.1f} events/s   (target ≥ 300)")
    print(f"  latency (200s)    p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   (target p99 < 100 ms)")
    print(f"  409 conflicts     {len(conflicts):6d}   other 4xx {len(other)}   errors/5xx/transport {len(errors)}"
          f"   worker killed: {killed or 'no'}")
    # verification: every accepted event is in the trail exactly once; nothing else is
    engine = make_engine(url)
    with Session(engine) as s:
        n_events = s.exec(select(func.count()).select_from(Event).where(Event.name != "register")).one()
        registered = s.exec(select(func.count()).select_from(Event).where(Event.name == "register")).one()
        versions = s.exec(select(func.sum(Application.version))).one()
        problems = run_checks(s, CalendarRegistry(import_dir=None), TODAY)
    print(f"  audit events      {n_events} (+{registered} registrations); sum of versions {versions}")
    lost_or_doubled = n_events - len(ok)
    print(f"  accepted but missing / recorded but not acknowledged: {lost_or_doubled} "
          f"(non-zero only for requests whose worker died after commit: {len(errors)} transport errors)")
    print(f"  ogi check: {'no problems' if not problems else problems[:5]}")
    engine.dispose()
    return rate >= 300 and p99 < 100 and not problems and 0 <= lost_or_doubled <= len(errors)


if __name__ == "__main__":
    main()

"""User-space instructions per event, counted by callgrind (deterministic, unlike timings on this host).

Two measures, each "run with the large number of applications minus run with the small one", so that
start-up (imports, the first statements, the warm-up) cancels out and only the events remain:

* **service** — the service layer alone, as ``bench_engine.py`` drives it: each application moved through
  start_review → accept → decide → sign_off (renderer stubbed), on SQLite and on PostgreSQL. Only the
  events run under valgrind: the database, the users and the applications are prepared natively first.
* **server** — the whole server: ``uvicorn api.main:app`` with 1 worker (uvloop, httptools, no access
  log) on PostgreSQL, driven over HTTP (keep-alive, one client, outside valgrind) through
  start_review → accept → request_extension → decide with If-Match, the mix ``bench_api.py`` sends
  (sign_off would render a real PDF letter over HTTP, which ``bench_letters.py`` measures apart). The
  login-token cache is pinned so that valgrind's slowness adds no token lookups.

Needs Debian's ``valgrind`` (``apt-get install valgrind``; not in the Makefile's system packages, which
are what the product needs). PostgreSQL: TEST_DATABASE_URL, default the local server, in a throw-away
schema; skipped when unreachable. Each measure takes 2–5 minutes here (2 cores, shared): valgrind
runs the start-up twice (~3 G instructions for the service, ~8 G for the server) at 20–50 M a second.

Run: .venv/bin/python benchmarks/callgrind_events.py [--small 10] [--large 50] [--warmup 5]
     [--only sqlite,pg,server] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 3, 10)
APPLICANT = {"kind": "natural", "name": "张三", "id_type": "resident_id", "id_number": "110101199003091234",
             "phone": "13800138000"}
PASSWORD = "callgrind-事件-2026"
SERVICE_STEPS = [("clerk", "start_review", {}), ("clerk", "accept", {}),
                 ("clerk", "decide", {"outcome": "needs_creation", "details": {"reasons": "需另行制作"}}),
                 ("head", "sign_off", {})]
SERVER_STEPS = [("start_review", {}), ("accept", {}), ("request_extension", {"days": 5, "reason": "计数"}),
                ("decide", {"outcome": "needs_creation", "details": {"reasons": "计数"}})]
# Fixed hashing makes two runs of the same work execute the same instructions.
CHILD_ENV = {"PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}


# -- the only place that calls the engine's services (adapt here when their signatures change) --------

def engine_calls(registry, today: date = TODAY):
    """(register, fire): register(session, actor, agency_id, i) -> application id;
    fire(session, actor, app_id, event, inputs) with the letters' audit and renderer stubbed."""
    from engine import workflow

    received = (today - timedelta(days=8)).isoformat()  # 2026-03-02 for the service, as bench_engine.py

    class StubLetters:  # the letter port without the PDF (letters are measured separately)
        def audit(self, case, letter, registry):
            return []

        def render(self, agency, letter):
            return b"%PDF-bench", "bench"

    letters = StubLetters()

    def register(session, actor, agency_id: int, i: int) -> int:
        app, _ = workflow.register(session, actor, agency_id, {
            "applicant": APPLICANT, "channel": "email", "channel_facts": {"mail_received": received},
            "request_text": f"请公开第{i}项信息", "form_wanted": "electronic", "delivery_wanted": "email",
        }, today=today, registry=registry)
        return app.id

    def fire(session, actor, app_id: int, event: str, inputs: dict) -> None:
        workflow.fire(session, actor, app_id, event, inputs, today=today, registry=registry, letters=letters)

    return register, fire


# -- preparation (native, not counted) ---------------------------------------------------------------

def prepare(url: str, apps: int, today: date = TODAY) -> dict:
    """An agency with a clerk and a head (passwords set, for the server's login), ``apps`` applications."""
    from sqlmodel import Session

    from calendars import CalendarRegistry
    from engine import admin
    from engine.actors import load_actor
    from engine.db import make_engine

    engine = make_engine(url)
    with Session(engine) as s:
        admin.create_agency(s, code="GOV", name="政府办")
        ag = admin.create_agency(s, code="B", name="测试局", competent_department="GOV", review_body="市政府",
                                 court="某法院")
        users = {}
        for name, role in (("clerk", "clerk"), ("head", "head")):
            u = admin.create_user(s, username=name, display_name=name, password=PASSWORD)
            admin.grant(s, u, ag, role)
            users[name] = u.id
        s.commit()
        agency_id = ag.id
    with Session(engine) as s:
        clerk = load_actor(s, users["clerk"])
    register, _ = engine_calls(CalendarRegistry(), today)
    ids = []
    for i in range(apps):
        with Session(engine, expire_on_commit=False) as s:
            ids.append(register(s, clerk, agency_id, i))
    if engine.dialect.name == "postgresql":  # statistics as a live database has them
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return {"users": users, "ids": ids}


# -- the counted part of the service measure (runs under valgrind) ------------------------------------

def service_child(url: str, users: dict, ids: list[int]) -> None:
    from sqlmodel import Session

    from calendars import CalendarRegistry
    from engine.actors import load_actor
    from engine.db import make_engine

    engine = make_engine(url)
    with Session(engine) as s:
        actors = {name: load_actor(s, uid) for name, uid in users.items()}
    _, fire = engine_calls(CalendarRegistry())
    for app_id in ids:
        for who, event, inputs in SERVICE_STEPS:
            with Session(engine, expire_on_commit=False) as s:
                fire(s, actors[who], app_id, event, inputs)
    engine.dispose()


SERVER_BOOT = """
import asyncio, sys
from engine import auth
auth.CACHE_SECONDS = 1e9  # pinned: valgrind's slowness must not expire the token and add lookups
import uvicorn

class Server(uvicorn.Server):
    async def main_loop(self):
        # uvicorn ticks ten times a second (the Date header, the exit check). Under valgrind a run lasts
        # minutes and its length follows the host's load, so those ticks would be counted by the clock,
        # not by the events (seen: 9 percent more on a busy host). Tick once, then look for the exit every 2 s.
        await self.on_tick(0)
        while not self.should_exit:
            await asyncio.sleep(2)

Server(uvicorn.Config("api.main:app", host="127.0.0.1", port=int(sys.argv[1]), workers=1, loop="uvloop",
                      http="httptools", log_level="warning", access_log=False)).run()
"""


# -- running under callgrind ---------------------------------------------------------------------------

def callgrind(argv: list[str], out: Path, env: dict | None = None, **popen) -> subprocess.Popen:
    """``argv`` under callgrind; valgrind's and the program's messages go to ``out`` + ``.log``."""
    with open(f"{out}.log", "w") as log:
        return subprocess.Popen(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-line=no", *argv],
            cwd=ROOT, env={**os.environ, **CHILD_ENV, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
            **popen)


def failed(out: Path) -> str:
    return Path(f"{out}.log").read_text(errors="replace")[-3000:]


def instructions(out: Path) -> int:
    text = out.read_text(errors="replace")
    found = re.search(r"^(?:summary|totals):\s*(\d+)", text, re.M)
    if not found:
        raise RuntimeError(f"no totals in {out}")
    return int(found.group(1))


def count_service(url: str, prep: dict, ids: list[int], out: Path) -> int:
    args = json.dumps({"url": url, "users": prep["users"], "ids": ids})
    proc = callgrind([sys.executable, __file__, "--child", args], out)
    if proc.wait():
        raise RuntimeError(f"the counted run failed:\n{failed(out)}")
    return instructions(out)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def count_server(url: str, ids: list[int], out: Path) -> int:
    """Start the server under callgrind, log in, send the events of ``ids``, stop it, count."""
    import http.client

    port = free_port()
    proc = callgrind([sys.executable, "-c", SERVER_BOOT, str(port)], out,
                     env={"DATABASE_URL": url, "OGI_DATA_DIR": str(ROOT / "var" / "callgrind")},
                     start_new_session=True)
    try:
        deadline = time.monotonic() + 900
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start under valgrind:\n{failed(out)}") from None
                time.sleep(1)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

        def call(method: str, path: str, body: dict, headers: dict) -> tuple[int, dict, str | None]:
            conn.request(method, path, json.dumps(body).encode(), {"Content-Type": "application/json", **headers})
            r = conn.getresponse()
            data = r.read()
            return r.status, (json.loads(data) if data else {}), r.getheader("ETag")

        status, data, _ = call("POST", "/api/v1/auth/login", {"username": "clerk", "password": PASSWORD}, {})
        if status != 200:
            raise RuntimeError(f"login refused: {status} {data}")
        auth = {"Authorization": f"Bearer {data['token']}"}
        for app_id in ids:
            etag = f'"{app_id}-1"'
            for event, inputs in SERVER_STEPS:
                status, data, etag = call("POST", f"/api/v1/applications/{app_id}/events/{event}", inputs,
                                          {**auth, "If-Match": etag})
                if status != 200:
                    raise RuntimeError(f"{event} on {app_id}: {status} {data}")
        conn.close()
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=300)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return instructions(out)


# -- the measures ----------------------------------------------------------------------------------------

def difference(label: str, count, small: list[int], large: list[int], events_per_app: int) -> float:
    t0 = time.monotonic()
    a = count(small, "small")
    b = count(large, "large")
    per_event = (b - a) / ((len(large) - len(small)) * events_per_app)
    print(f"{label}: {per_event / 1e6:.3f} M instructions per event "
          f"({len(large)} applications {b / 1e6:,.1f} M − {len(small)} applications {a / 1e6:,.1f} M, "
          f"× {events_per_app} events; {time.monotonic() - t0:.0f} s)", flush=True)
    return per_event


def split(ids: list[int], warmup: int, small: int, large: int) -> tuple[list[int], list[int]]:
    """Two disjoint runs, each starting with ``warmup`` applications (every statement compiled and
    prepared before the applications that differ)."""
    return ids[:warmup + small], ids[warmup + small:warmup + small + warmup + large]


@contextmanager
def optional_pg_schema(name: str) -> Iterator[str | None]:
    """A migrated throw-away schema's URL, or None (said) when PostgreSQL cannot be reached."""
    from benchmarks._pg import pg_schema

    schema = pg_schema(name)
    try:
        url = schema.__enter__()
    except Exception as exc:  # noqa: BLE001
        print(f"PostgreSQL: skipped ({exc.__class__.__name__})")
        yield None
        return
    try:
        yield url
    finally:
        schema.__exit__(None, None, None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10, help="applications in the short run (after the warm-up)")
    parser.add_argument("--large", type=int, default=50, help="applications in the long run (after the warm-up)")
    parser.add_argument("--warmup", type=int, default=5, help="applications moved first in both runs")
    parser.add_argument("--only", default="sqlite,pg,server", help="which measures: sqlite, pg, server")
    parser.add_argument("--keep", help="keep the callgrind files in this directory (for callgrind_annotate)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        spec = json.loads(args.child)
        service_child(spec["url"], spec["users"], spec["ids"])
        return
    if not shutil.which("valgrind"):
        sys.exit("valgrind is missing: apt-get install valgrind")
    only = set(args.only.split(","))
    apps = 2 * args.warmup + args.small + args.large
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ogi-callgrind-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"Python {sys.version.split()[0]} ({sys.executable}); runs of {args.warmup}+{args.small} and "
          f"{args.warmup}+{args.large} applications", flush=True)
    try:
        if "sqlite" in only:
            from engine.migrate import upgrade

            for stale in work.glob("events.db*"):  # a kept directory's database from an earlier run
                stale.unlink()
            url = f"sqlite:///{work}/events.db"
            upgrade(url)
            prep = prepare(url, apps)
            small, large = split(prep["ids"], args.warmup, args.small, args.large)
            difference("service, SQLite    ", lambda ids, tag: count_service(url, prep, ids, work / f"sqlite.{tag}.out"),
                       small, large, len(SERVICE_STEPS))
        if "pg" in only:
            with optional_pg_schema(f"ogi_callgrind_{os.getpid()}") as url:
                if url:
                    prep = prepare(url, apps)
                    small, large = split(prep["ids"], args.warmup, args.small, args.large)
                    difference("service, PostgreSQL",
                               lambda ids, tag: count_service(url, prep, ids, work / f"pg.{tag}.out"),
                               small, large, len(SERVICE_STEPS))
        if "server" in only:
            with optional_pg_schema(f"ogi_callgrind_http_{os.getpid()}") as url:
                if url:
                    prep = prepare(url, apps, today=date.today())  # the server's today is the real one
                    small, large = split(prep["ids"], args.warmup, args.small, args.large)
                    difference("server,  PostgreSQL",
                               lambda ids, tag: count_server(url, ids, work / f"server.{tag}.out"),
                               small, large, len(SERVER_STEPS))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

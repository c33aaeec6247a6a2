"""Deadline arithmetic speed (spec README quality bars).

1. "The N-th working day after D" against chinese_calendar.find_workday on 100,000 random working-day
   start dates 2005–2026 (N from 1 to 40): every answer must agree; prints the speed ratio (target ≥ 300×).
2. Recomputing 1,000,000 answer clocks with pauses and extensions (target < 10 s).

Run: .venv/bin/python benchmarks/bench_calendar.py [--cases 100000] [--clocks 1000000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import chinese_calendar  # noqa: E402

from calendars import CalendarRegistry  # noqa: E402
from engine import clock  # noqa: E402


def bench_nth(cases: int, seed: int) -> float:
    cal = CalendarRegistry().calendar()
    rng = random.Random(seed)
    lo, hi = date(2005, 1, 1).toordinal(), date(2026, 10, 31).toordinal()
    starts: list[tuple[date, int]] = []
    while len(starts) < cases:
        d = date.fromordinal(rng.randint(lo, hi))
        if cal.is_working_day(d):
            starts.append((d, rng.randint(1, 40)))
    t0 = time.perf_counter()
    ours = [cal.add_working_days(d, n) for d, n in starts]
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = [chinese_calendar.find_workday(n, d) for d, n in starts]
    t_theirs = time.perf_counter() - t0
    mismatches = sum(1 for a, b in zip(ours, theirs) if a != b)
    ratio = t_theirs / t_ours
    print(f"nth working day: {cases:,} random working-day starts 2005–2026, N in 1..40")
    print(f"  ours            {t_ours:8.3f} s  {t_ours / cases * 1e6:8.3f} µs/call")
    print(f"  find_workday    {t_theirs:8.3f} s  {t_theirs / cases * 1e6:8.3f} µs/call")
    print(f"  mismatches      {mismatches}")
    print(f"  ratio           {ratio:8.0f}×   (target ≥ 300×)")
    if mismatches:
        raise SystemExit("answers differ")
    return ratio


def bench_clocks(n: int, seed: int) -> float:
    cal = CalendarRegistry().calendar()
    rng = random.Random(seed)
    lo, hi = date(2005, 1, 1).toordinal(), date(2026, 6, 30).toordinal()
    specs = []
    for _ in range(n):
        received = date.fromordinal(rng.randint(lo, hi))
        pauses = []
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            b = received + timedelta(days=rng.randint(1, 30))
            pauses.append(clock.Pause(b, b + timedelta(days=rng.randint(1, 25))))
        restart = received + timedelta(days=rng.randint(3, 10)) if rng.random() < 0.1 else None
        specs.append(clock.ClockSpec(received, 20, tuple(pauses), restart, rng.choice((0, 0, 0, 10, 20))))
    t0 = time.perf_counter()
    for spec in specs:
        clock.compute(cal, spec)
    elapsed = time.perf_counter() - t0
    with_pauses = sum(1 for s in specs if s.pauses)
    print(f"recompute {n:,} answer clocks ({with_pauses:,} with pauses, extensions 0/10/20, 10% restarted)")
    print(f"  total           {elapsed:8.2f} s  {elapsed / n * 1e6:8.2f} µs/clock   (target < 10 s)")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--clocks", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20260213)
    args = parser.parse_args()
    ratio = bench_nth(args.cases, args.seed)
    elapsed = bench_clocks(args.clocks, args.seed)
    ok = ratio >= 300 and elapsed < 10
    print("RESULT:", "targets met" if ok else "TARGETS MISSED")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()

"""Where the machine's CPU went during a phase (Linux /proc): the server's processes, PostgreSQL's,
the load generator (this process) and the machine as a whole.

On a small machine the load generator and the database share the cores with the server, so a
throughput number alone does not say what one request costs; CPU per request does, and it is steadier
than the rate on a noisy host.
"""

from __future__ import annotations

import os
import platform
import sys
import timeit
from dataclasses import dataclass, field

HZ = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid → (parent pid, command name, CPU seconds so far)."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                head, tail = f.read().rsplit(")", 1)
        except OSError:  # it ended while we looked
            continue
        fields = tail.split()
        out[int(entry)] = (int(fields[1]), head.split("(", 1)[1], (int(fields[11]) + int(fields[12])) / HZ)
    return out


def _machine() -> tuple[float, float, float]:
    """(busy, all, steal) CPU seconds of the whole machine since boot."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    steal = values[7] if len(values) > 7 else 0
    return (sum(values[:8]) - idle - steal) / HZ, sum(values[:8]) / HZ, steal / HZ


@dataclass
class Snapshot:
    per_pid: dict[int, tuple[str, float]] = field(default_factory=dict)  # pid → (role, CPU seconds)
    machine: tuple[float, float, float] = (0.0, 0.0, 0.0)


def snapshot(server_pid: int) -> Snapshot:
    procs = _processes()
    me = os.getpid()
    roles = {}
    for pid, (ppid, name, cpu) in procs.items():
        if pid == me:
            roles[pid] = ("load generator", cpu)
        elif pid == server_pid or ppid == server_pid:
            roles[pid] = ("server", cpu)
        elif name.startswith("postgres"):
            roles[pid] = ("PostgreSQL", cpu)
    return Snapshot(roles, _machine())


def spent(before: Snapshot, after: Snapshot) -> dict[str, float]:
    """CPU seconds per role between two snapshots (a process that started in between counts from zero;
    one that ended in between — a killed worker — is lost, so the server's share is then a floor)."""
    totals: dict[str, float] = {}
    for pid, (role, cpu) in after.per_pid.items():
        _, earlier = before.per_pid.get(pid, (role, 0.0))
        totals[role] = totals.get(role, 0.0) + max(0.0, cpu - earlier)
    busy, total, steal = (b - a for a, b in zip(before.machine, after.machine))
    totals["machine busy"] = busy
    totals["machine total"] = total
    totals["steal"] = steal
    return totals


def describe(totals: dict[str, float], requests: int) -> str:
    """One line: CPU ms per request by role, and how busy the machine was."""
    n = max(requests, 1)
    parts = [f"{role} {totals.get(role, 0.0) / n * 1000:.2f}" for role in ("server", "PostgreSQL", "load generator")]
    busy = totals["machine busy"] / totals["machine total"] * 100 if totals["machine total"] else 0.0
    steal = totals["steal"] / totals["machine total"] * 100 if totals["machine total"] else 0.0
    return (f"CPU ms per request: {', '.join(parts)}; machine {busy:.0f} % busy"
            + (f", {steal:.0f} % stolen by the host" if steal >= 1 else ""))


def interpreter() -> str:
    """Which Python build runs the server (it is started with this interpreter): builds differ by
    ~15 % in instructions for the same code (a shared libpython without PGO against Debian's
    PGO+LTO executable), so a result means little without it. The yardstick depends on it too."""
    with open("/proc/self/maps") as f:  # the executable's own code, or a libpython it links at run time
        shared = " with shared libpython" if "libpython" in f.read() else ""
    return f"Python {platform.python_version()} ({os.path.realpath(sys.executable)}{shared})"


def yardstick_ms() -> float:
    """How long this host takes for a fixed pure-Python loop now (``sum(range(10**6))``, best of 5 runs).

    Hosts here differ and drift by a third within an hour (neighbours sharing the physical cores), and
    ``steal`` does not show it. CPU per request divided by this is comparable between runs and
    machines where CPU per request alone is not."""
    return min(timeit.repeat("sum(range(10**6))", number=1, repeat=5)) * 1000

"""How long the platform took to start, and which processes took longest (`./palapa up` prints it)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Iterable


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far (Linux /proc), None when it cannot be read."""
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_age() -> float:
    """Seconds since this process started (Linux /proc), 0 when it cannot be read."""
    try:
        uptime = float(open("/proc/uptime").read().split()[0])
        started = int(open("/proc/self/stat").read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0
    return max(0.0, uptime - started)


def since_invoked(invoked_at: float | None, now: float) -> float:
    """Seconds since `./palapa up` was typed (its script sets PALAPA_INVOKED_AT), else since this process started;
    a time not plausibly this run's (over an hour ago, or ahead) is not used."""
    if invoked_at is None or not 0 <= now - invoked_at < 3600:
        return process_age()
    return max(now - invoked_at, process_age())


def summary(total_s: float, ready_after: Iterable[tuple[str, float | None]], slowest: int = 5,
            cpu: Iterable[float | None] = (), shared_cpu: float | None = None,
            launcher_cpu: float | None = None) -> list[str]:
    """Lines: the whole start-up with the host's load, then the slowest processes from spawn to ready, and the CPU
    they used to get there (what a busy host does not change: on idle cores the start takes about that / cores)."""
    times = sorted(((s, name) for name, s in ready_after if s is not None), reverse=True)
    try:
        load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "load average unknown"
    lines = [f"Started in {total_s:.1f} s ({len(times)} processes on {os.cpu_count()} cores, {load})"]
    if times:
        lines.append("  slowest to ready: " + ", ".join(f"{name} {s:.1f} s" for s, name in times[:slowest]))
    used = [c for c in cpu if c is not None]
    if used:
        lines.append(f"  CPU to ready: {sum(used):.1f} s in all, {max(used):.1f} s at most in one process")
    if shared_cpu is not None:  # forked.py: the libraries every process imports, imported once
        lines.append(f"  CPU of the shared imports (the fork server, once): {shared_cpu:.1f} s")
    if launcher_cpu is not None:  # its own imports, the databases' and topics' set-up, the readiness polls
        lines.append(f"  CPU of the launcher: {launcher_cpu:.1f} s")
    return lines


async def together(*steps: Awaitable) -> list:
    """Run start-up steps side by side; every one ends (so a stop finds each part it started), then the first failure
    is raised; else their results, in order."""
    outcomes = await asyncio.gather(*steps, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return outcomes

"""How long the platform took to start, and which processes took longest (`./palapa up` prints it)."""

from __future__ import annotations

import os
from collections.abc import Iterable


def summary(total_s: float, ready_after: Iterable[tuple[str, float | None]], slowest: int = 5) -> list[str]:
    """Lines: the whole start-up with the host's load, then the slowest processes from spawn to ready."""
    times = sorted(((s, name) for name, s in ready_after if s is not None), reverse=True)
    try:
        load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "load average unknown"
    lines = [f"Started in {total_s:.1f} s ({len(times)} processes on {os.cpu_count()} cores, {load})"]
    if times:
        lines.append("  slowest to ready: " + ", ".join(f"{name} {s:.1f} s" for s, name in times[:slowest]))
    return lines

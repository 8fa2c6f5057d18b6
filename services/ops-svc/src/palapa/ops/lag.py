"""Lag over time (pure): a process's `/ops/consumers` answer as sample rows, and samples as series per group."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

#: at most this many partitions of one answer are kept (a process answering more is not one of ours)
MAX_PARTITIONS = 500


def _text(value: Any) -> str | None:
    return value[:200] if isinstance(value, str) and value else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**62 else None


def sample_rows(service: str, answer: Any, at: datetime) -> list[dict]:
    """The rows to keep of one process's answer; a malformed partition entry is skipped, never trusted."""
    parts = answer.get("partitions") if isinstance(answer, Mapping) else None
    rows = []
    for p in parts[:MAX_PARTITIONS] if isinstance(parts, list) else []:
        if not isinstance(p, Mapping):
            continue
        group, topic, partition, lag = _text(p.get("group")), _text(p.get("topic")), _count(p.get("partition")), \
            _count(p.get("lag"))
        if group and topic and partition is not None and lag is not None:
            rows.append({"at": at, "service": service, "group": group, "topic": topic, "partition": partition,
                         "lag": lag, "stuck": p.get("stuck") is True})
    return rows


def series(rows: Iterable[tuple[datetime, str, str, int, bool]], most: int = 120) -> list[dict]:
    """(at, group, topic, lag, stuck) per partition sample → per group and topic, its lag summed over partitions
    at each pass, oldest first, at most `most` points (the largest of the passes each stands for); a point is
    stuck when a partition was at one of its passes."""
    found: dict[tuple[str, str], dict[datetime, list]] = {}
    for at, group, topic, lag, stuck in rows:
        point = found.setdefault((group, topic), {}).setdefault(at, [0, False])
        point[0] += lag
        point[1] = point[1] or stuck
    return [{"group": group, "topic": topic, "points": thinned(sorted(points.items()), most)}
            for (group, topic), points in sorted(found.items())]


def thinned(points: list[tuple[datetime, list]], most: int) -> list[dict]:
    """At most `most` points: consecutive passes taken together, each group shown at its first time with its
    largest lag (a peak is never thinned away)."""
    size = -(-len(points) // most) if points else 1
    out = []
    for i in range(0, len(points), size):
        chunk = points[i:i + size]
        out.append({"at": chunk[0][0], "lag": max(p[1][0] for p in chunk), "stuck": any(p[1][1] for p in chunk)})
    return out

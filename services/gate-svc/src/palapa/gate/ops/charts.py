"""Charts drawn on the server as SVG elements (pure): no script, no inline style, so the gate's CSP holds.

A horizontal bar per consumed partition, its length the lag (records behind the end), on one shared scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

WIDTH = 600  # the drawing's units; the SVG scales to the page (viewBox)
LABEL = 260  # units kept on the left for the partition's name
BAR = 18
GAP = 6


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int
    stuck: bool


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    top: int  # the largest value (the scale's end)
    left: int = LABEL
    span: int = WIDTH - LABEL - 60


def lag_chart(rows: list[dict]) -> Chart:
    """One bar per row (`service`, `group`, `topic`, `partition`, `lag`, `stuck`), longest lag first."""
    rows = sorted(rows, key=lambda r: (-int(r.get("lag") or 0), r["service"], r["topic"], r["partition"]))[:60]
    top = max((int(r.get("lag") or 0) for r in rows), default=0)
    span = WIDTH - LABEL - 60
    bars = []
    for i, r in enumerate(rows):
        lag = max(int(r.get("lag") or 0), 0)
        width = 0 if top == 0 else max(round(span * lag / top), 1 if lag else 0)
        bars.append(Bar(f"{r['group']} {r['topic']}[{r['partition']}]", lag, GAP + i * (BAR + GAP), width,
                        bool(r.get("stuck"))))
    return Chart(bars, GAP + len(bars) * (BAR + GAP), top)


@dataclass(frozen=True)
class Column:
    label: str
    value: int
    x: int
    height: int


@dataclass(frozen=True)
class Columns:
    """Vertical columns on one scale, left to right in time; `base` is the y of their foot."""

    columns: list[Column]
    top: int
    width: int
    base: int = 140
    span: int = 120


def columns_chart(points: list[tuple[str, int]]) -> Columns:
    """One column per (label, value), in the order given, the tallest reaching `span`."""
    points = points[-168:]
    top = max((max(v, 0) for _, v in points), default=0)
    step = max(WIDTH // max(len(points), 1), 4)
    span = Columns([], 0, 0).span
    cols = [Column(label, max(v, 0), i * step, 0 if top == 0 else max(round(span * max(v, 0) / top), 1 if v > 0 else 0))
            for i, (label, v) in enumerate(points)]
    return Columns(cols, top, step - 1)


LINE_HEIGHT = 60  # each group's own small chart: its lag on its own scale, time on the shared one


@dataclass(frozen=True)
class Line:
    label: str
    points: str  # the SVG polyline's "x,y x,y …"
    top: int  # the largest lag drawn
    last: int
    stuck: bool  # stuck at some sample of the window


def _when(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def lines_chart(series: list[dict]) -> list[Line]:
    """One line per group and topic (ops-svc's `/consumers/lag` series), on a time axis shared by all of them,
    the highest peak first; points that are not readable are skipped."""
    read = []
    for s in series[:60]:
        pts = [(t, max(int(p["lag"]), 0), p.get("stuck") is True) for p in s.get("points") or []
               if isinstance(p, dict) and isinstance(p.get("lag"), int) and (t := _when(p.get("at")))]
        if pts:
            read.append((f"{s.get('group')} {s.get('topic')}", pts))
    if not read:
        return []
    start = min(t for _, pts in read for t, _, _ in pts)
    length = max((max(t for t, _, _ in pts) - start).total_seconds() for _, pts in read) or 1.0
    lines = []
    for label, pts in read:
        top = max(lag for _, lag, _ in pts)
        xy = " ".join(f"{round(WIDTH * (t - start).total_seconds() / length)},"
                      f"{LINE_HEIGHT - (0 if top == 0 else round((LINE_HEIGHT - 4) * lag / top))}"
                      for t, lag, _ in pts)
        lines.append(Line(label, xy, top, pts[-1][1], any(st for _, _, st in pts)))
    return sorted(lines, key=lambda line: (-line.top, line.label))

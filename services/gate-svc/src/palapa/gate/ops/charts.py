"""Charts drawn on the server as SVG elements (pure): no script, no inline style, so the gate's CSP holds.

A horizontal bar per consumed partition, its length the lag (records behind the end), on one shared scale.
"""

from __future__ import annotations

from dataclasses import dataclass

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

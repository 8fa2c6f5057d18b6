"""The on-time chart's geometry (pure): one horizontal bar per OPD, its length the on-time rate, in SVG user units.

The template draws it as inline SVG with classes only (the workspace's CSP refuses inline styles); the numbers
are also in a table beside it for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

LEFT = 120  # room for the OPD's code
SCALE = 400  # the length of 100%
RIGHT = 150  # room for "100% (120/120)"
ROW = 28
BAR = 18
TOP = 24  # room for the scale's labels


@dataclass(frozen=True)
class Bar:
    opd: str
    y: int  # the bar's top
    length: int  # 0 when no case ended: then `text` says so
    text: str  # at the bar's end: "82% (41/50)"
    text_x: int
    low: bool  # under TARGET: drawn in the warning colour


@dataclass(frozen=True)
class Tick:
    x: int
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    scale: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]


#: below this share on time a bar is drawn as a warning (SP4N-LAPOR!'s deadlines are meant to be met)
TARGET = 0.8


def percent(rate: float | None) -> str:
    """0.667 → "66,7%" (Indonesian decimal comma); None → "—"."""
    if rate is None:
        return "—"
    return f"{round(100 * rate, 1):g}%".replace(".", ",")


def layout(rows: list[dict]) -> Chart:
    """Rows as complaint-svc's /stats/on-time gives them ({opd, rate, on_time, closed}) → the chart."""
    bars = []
    for i, row in enumerate(rows):
        rate = row.get("rate")
        rate = min(max(float(rate), 0.0), 1.0) if isinstance(rate, int | float) else None
        length = 0 if rate is None else round(SCALE * rate)
        text = "belum ada" if rate is None else f"{percent(rate)} ({row.get('on_time', 0)}/{row.get('closed', 0)})"
        bars.append(Bar(str(row.get("opd", "?"))[:16], TOP + i * ROW, length, text, LEFT + length + 6,
                        rate is not None and rate < TARGET))
    ticks = tuple(Tick(LEFT + SCALE * p // 100, f"{p}%") for p in (0, 25, 50, 75, 100))
    return Chart(LEFT + SCALE + RIGHT, TOP + ROW * max(len(bars), 1) + 4, LEFT, SCALE, tuple(bars), ticks)

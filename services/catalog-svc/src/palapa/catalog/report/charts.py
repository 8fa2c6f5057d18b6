"""Bar charts as inline SVG, sized for a slide; every text escaped (app names come from spreadsheets)."""

from __future__ import annotations

from html import escape

PALETTE = ("#1f6feb", "#2da44e", "#d29922", "#cf222e", "#8250df", "#57606a", "#0a7d8c", "#bc4c00")
LABEL_W, BAR_W, ROW_H, GAP = 230, 420, 26, 8


def number(n: int | float) -> str:
    """A number as Indonesians write it: 1.234 (a dot between thousands)."""
    return f"{n:,.0f}".replace(",", ".")


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%".replace(".", ",") if whole else "0%"


def _svg(name: str, title: str, height: int, body: list[str]) -> str:
    width = LABEL_W + BAR_W + 90
    return (f'<figure class="chart" data-chart="{escape(name)}"><figcaption>{escape(title)}</figcaption>'
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{escape(title)}">' + "".join(body) + "</svg></figure>")


def bars(name: str, title: str, items: list[tuple[str, int]], *, color: str = PALETTE[0]) -> str:
    """One bar per item, its value and share written after it."""
    top = max((v for _, v in items), default=0) or 1
    whole = sum(v for _, v in items)
    body = []
    for i, (label, value) in enumerate(items):
        y = GAP + i * (ROW_H + GAP)
        w = max(BAR_W * value / top, 1 if value else 0)
        body.append(f'<text x="{LABEL_W - 8}" y="{y + ROW_H * 0.7:.0f}" text-anchor="end" class="label">'
                    f'{escape(label)}</text>'
                    f'<rect class="bar" data-value="{value}" x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{ROW_H}" '
                    f'fill="{color}" rx="3"><title>{escape(label)}: {number(value)}</title></rect>'
                    f'<text x="{LABEL_W + w + 6:.1f}" y="{y + ROW_H * 0.7:.0f}" class="value">{number(value)} '
                    f'({percent(value, whole)})</text>')
    return _svg(name, title, GAP + len(items) * (ROW_H + GAP), body)


def stacked(name: str, title: str, rows: list[tuple[str, list[tuple[str, int]]]], legend: list[str],
            colors: dict[str, str] | None = None) -> str:
    """One bar per row, split into the legend's segments (in `colors`, else the palette's), with a legend."""
    top = max((sum(v for _, v in segs) for _, segs in rows), default=0) or 1
    colors = {s: (colors or {}).get(s, PALETTE[i % len(PALETTE)]) for i, s in enumerate(legend)}
    body = []
    for i, (label, segs) in enumerate(rows):
        y = GAP + i * (ROW_H + GAP)
        x = LABEL_W
        body.append(f'<text x="{LABEL_W - 8}" y="{y + ROW_H * 0.7:.0f}" text-anchor="end" class="label">'
                    f'{escape(label)}</text>')
        for seg, value in segs:
            w = BAR_W * value / top
            if value:
                body.append(f'<rect class="bar" data-value="{value}" x="{x:.1f}" y="{y}" width="{w:.1f}" '
                            f'height="{ROW_H}" fill="{colors[seg]}"><title>{escape(label)} — {escape(seg)}: '
                            f'{number(value)}</title></rect>')
            x += w
        body.append(f'<text x="{x + 6:.1f}" y="{y + ROW_H * 0.7:.0f}" class="value">'
                    f'{number(sum(v for _, v in segs))}</text>')
    y = GAP + len(rows) * (ROW_H + GAP) + 4
    x = LABEL_W
    for seg in legend:
        body.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="{colors[seg]}"/>'
                    f'<text x="{x + 20}" y="{y + 12}" class="legend">{escape(seg)}</text>')
        x += 30 + 8 * len(seg)
    return _svg(name, title, y + 24, body)

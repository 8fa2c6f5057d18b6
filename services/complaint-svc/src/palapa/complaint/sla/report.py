"""Per-OPD figures (pure): on-time rate, median time to resolve, average rating; and their page with inline SVG."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from statistics import median


@dataclass(frozen=True)
class OpdFigures:
    opd: str
    cases: int
    resolved: int
    on_time_rate: float | None  # resolved by the follow-up deadline, among resolved cases
    median_hours_to_resolve: float | None
    average_rating: float | None
    ratings: int


def figures(rows: Iterable[tuple[str, str, datetime, datetime, datetime | None, int | None]]) -> list[OpdFigures]:
    """Rows (opd, status, submitted_at, due_at, first resolved_at, stars) → figures per OPD, by OPD code."""
    by_opd: dict[str, list[tuple]] = {}
    for row in rows:
        by_opd.setdefault(row[0], []).append(row)
    out = []
    for opd, rs in sorted(by_opd.items()):
        done = [(r[4], r[2], r[3]) for r in rs if r[4] is not None]
        stars = [r[5] for r in rs if r[5] is not None]
        out.append(OpdFigures(
            opd=opd, cases=len(rs), resolved=len(done),
            on_time_rate=round(sum(1 for at, _, due in done if at <= due) / len(done), 3) if done else None,
            median_hours_to_resolve=round(median((at - sub).total_seconds() / 3600 for at, sub, _ in done), 1)
            if done else None,
            average_rating=round(sum(stars) / len(stars), 2) if stars else None, ratings=len(stars),
        ))
    return out


def _bars(title: str, testid: str, values: list[tuple[str, float | None]], top: float, unit: str) -> str:
    """A horizontal bar chart as inline SVG (no script, no CDN), with a text label on every bar."""
    row_h, left, width = 26, 150, 320
    height = row_h * max(len(values), 1) + 10
    parts = [f'<figure data-testid="{testid}"><figcaption>{escape(title)}</figcaption>',
             f'<svg role="img" aria-label="{escape(title)}" width="{left + width + 80}" height="{height}" '
             f'viewBox="0 0 {left + width + 80} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (name, value) in enumerate(values):
        y = 5 + i * row_h
        w = 0 if value is None or top <= 0 else max(1, round(width * value / top))
        text = "—" if value is None else f"{value:g}{unit}"
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{escape(name)}</text>'
                     f'<rect class="bar" x="{left}" y="{y}" width="{w}" height="{row_h - 8}"></rect>'
                     f'<text x="{left + w + 6}" y="{y + 16}">{escape(text)}</text>')
    parts.append("</svg></figure>")
    return "".join(parts)


def page(rows: list[OpdFigures], generated_at: datetime) -> str:
    """The figures page in Bahasa Indonesia: three charts and the table."""
    on_time = [(f.opd, None if f.on_time_rate is None else round(100 * f.on_time_rate, 1)) for f in rows]
    hours = [(f.opd, f.median_hours_to_resolve) for f in rows]
    stars = [(f.opd, f.average_rating) for f in rows]
    top_hours = max((h for _, h in hours if h is not None), default=0)
    table = "".join(
        f"<tr><td>{escape(f.opd)}</td><td>{f.cases}</td><td>{f.resolved}</td>"
        f"<td>{'—' if f.on_time_rate is None else f'{100 * f.on_time_rate:.1f}%'}</td>"
        f"<td>{'—' if f.median_hours_to_resolve is None else f'{f.median_hours_to_resolve:g} jam'}</td>"
        f"<td>{'—' if f.average_rating is None else f'{f.average_rating:g} ({f.ratings})'}</td></tr>" for f in rows)
    empty = "" if rows else '<p data-testid="empty">Belum ada pengaduan.</p>'
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kinerja Penanganan Pengaduan per OPD</title><link rel="icon" href="data:,">
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}}.bar{{fill:#2f6db5}}
svg text{{font-size:13px}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3rem .6rem}}
figure{{margin:1.5rem 0}}figcaption{{font-weight:600;margin-bottom:.4rem}}</style></head>
<body><h1>Kinerja Penanganan Pengaduan per OPD</h1>
<p>Diperbarui {escape(generated_at.strftime('%d-%m-%Y %H:%M'))} UTC. Tepat waktu: selesai sebelum batas waktu
tindak lanjut (hari kerja).</p>{empty}
{_bars("Persentase selesai tepat waktu", "chart-on-time", on_time, 100, "%")}
{_bars("Median waktu penyelesaian (jam)", "chart-median", hours, top_hours, " jam")}
{_bars("Rata-rata penilaian warga (1–5)", "chart-rating", stars, 5, "")}
<table data-testid="figures"><thead><tr><th>OPD</th><th>Pengaduan</th><th>Selesai</th><th>Tepat waktu</th>
<th>Median penyelesaian</th><th>Penilaian</th></tr></thead><tbody>{table}</tbody></table></body></html>"""

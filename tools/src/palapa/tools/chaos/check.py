"""Chaos's verdict: the legacy truth compared with the platform's views, by the reconcile command's comparison
(palapa.tools.reconcile.curhat: tb_pengaduan ↔ complaint-svc's case ↔ notify-svc's latest revision)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from palapa.tools.reconcile import curhat
from palapa.tools.reconcile.difference import EXAMPLES, KINDS, Comparison
from palapa.tools.reconcile.quarantine import quarantined_ids
from palapa.tools.reconcile.views import complaint_cases, latest_views


@dataclass
class Verdict:
    comparison: Comparison
    legacy: tuple = ()  # (id, status) of every legacy row: fixed once the writers stopped
    tracked: int = 0

    @property
    def rows(self) -> int:
        return self.comparison.records

    @property
    def observed(self) -> tuple:
        return self.comparison.observed

    @property
    def ok(self) -> bool:
        return not self.comparison.differences

    def count(self, kind: str) -> int:
        return self.comparison.count(kind)

    def lines(self) -> list[str]:
        out = [f"legacy rows={self.rows} (tracked {self.tracked}, to quarantine {self.rows - self.tracked})",
               " ".join(f"{kind}={self.count(kind)}" for kind in KINDS)]
        for kind in KINDS:
            out += [f"  {kind}: {d.key}: {d.reason}" for d in self.comparison.of(kind)[:EXAMPLES]]
        return out


async def check(legacy: AsyncEngine, platform: AsyncEngine, kafka: str) -> Verdict:
    """One full comparison of every legacy row with both services' views."""
    rows = await curhat.legacy_rows(legacy)
    comparison = curhat.judge(rows, await complaint_cases(platform, curhat.APP), await latest_views(platform),
                              await quarantined_ids(kafka, curhat.APP))
    return Verdict(comparison, legacy=tuple((r.id, r.status) for r in rows),
                   tracked=sum(1 for r in rows if r.expected() is not None))

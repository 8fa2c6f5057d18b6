"""Curhat Ning Ita: every tb_pengaduan row ↔ complaint-svc's case ↔ notify-svc's latest revision.

The status a code means comes from the legacy app's own table (`palapa.curhat_legacy.codes`), the one bridge-curhat
decides with too. The legacy app is the truth (issue 17): its staff may set a case back, reopen it or write the
same stage again, and complaint-svc records every such move; so a timeline may go back, but only through a step
that says it is a correction, and never repeats a status without a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from palapa.contracts.events import CaseStatus
from palapa.curhat_legacy.codes import CODES_FOR, DATE_FORMATS, canonical_status
from palapa.curhat_legacy.schema import tb_pengaduan

from .difference import Comparison
from .views import complaint_cases, latest_views

APP = "curhat-ning-ita"
# the app's workflow goes forward 0 → 1 → 2 → 3 (or → 9): a step lower than the one before is a move back
RANK = {"received": 0, "verified": 1, "in_progress": 2, "resolved": 3, "rejected": 3}
CORRECTION = f"Dikoreksi di {APP}"


@dataclass(frozen=True)
class LegacyRow:
    id: int
    status: str
    isi_laporan: str | None
    tgl_lapor: str | None

    def expected(self) -> CaseStatus | None:
        """The status its case must show, or None when the app's row cannot make a complaint (quarantine)."""
        return None if self.flaw() else canonical_status(self.status)

    def flaw(self) -> str | None:
        """Why the row cannot make a complaint, or None."""
        if canonical_status(self.status) is None:
            return f"unknown status {self.status!r}"
        if not (self.isi_laporan or "").strip():
            return "blank isi_laporan"
        if not _readable_date(self.tgl_lapor):
            return f"unreadable tgl_lapor {self.tgl_lapor!r}"
        return None


def _readable_date(text: str | None) -> bool:
    text = " ".join((text or "").split())
    if text in ("", "-"):
        return True  # the app left it blank: the change time stands in
    for fmt in DATE_FORMATS:
        try:
            datetime.strptime(text, fmt)
            return True
        except ValueError:
            continue
    return False


def judge_timeline(ticket: str, case: dict, out: Comparison) -> None:
    """A case's own timeline: one step per revision, no status applied twice, back only through a correction."""
    steps = case["timeline"]
    statuses = [s["status"] for s in steps]
    if case["revision"] != len(steps):
        out.add(ticket, "duplicated", f"revision {case['revision']} with {len(steps)} timeline steps {statuses}")
    moves = [s for s in steps[1:] if s.get("legacy_status") is not None]  # the app's own moves, at its clock
    for before, step in zip(steps, steps[1:], strict=False):
        if step["status"] == before["status"] and not step.get("note"):
            out.add(ticket, "duplicated", f"status {step['status']} applied twice: {statuses}")
        elif RANK.get(step["status"], 9) < RANK.get(before["status"], 0) and CORRECTION not in (step.get("note") or ""):
            out.add(ticket, "mismatched", f"{before['status']} → {step['status']} without a correction: {statuses}")
    if any(a["at"] > b["at"] for a, b in zip(moves, moves[1:], strict=False)):
        out.add(ticket, "mismatched", f"the app's moves out of their order: {statuses}")


def written_as(status: str, meant: CaseStatus) -> bool:
    """True when a portal status the app has no code of its own for (e.g. dispositioned) is written back as a code
    that means `meant` (codes.CODES_FOR): the two sides agree."""
    try:
        return canonical_status(CODES_FOR[CaseStatus(status)]) is meant
    except (KeyError, ValueError):
        return False


def judge_row(row: LegacyRow, case: dict | None, view: dict | None, quarantined: bool | None, out: Comparison) -> None:
    """One legacy row against its case and its view (pure). `quarantined` None: the quarantine was not read."""
    ticket = case["ticket"] if case else f"CURHAT-{row.id}"
    want = row.expected()
    if want is None:
        if case is not None:
            out.add(ticket, "mismatched", f"the app's row is no complaint ({row.flaw()}) but complaint-svc has a case")
        elif quarantined is False:
            out.add(ticket, "lost", f"row with {row.flaw()} neither quarantined nor tracked")
        return
    if case is None:
        out.add(ticket, "lost", f"no case in complaint-svc (legacy status {row.status!r})")
        return
    judge_timeline(ticket, case, out)
    if case["status"] != want.value and not written_as(case["status"], want):
        out.add(ticket, "mismatched",
                f"legacy code {row.status!r} means {want.value}, complaint-svc has {case['status']}")
    if view is None:
        out.add(ticket, "lost", f"no view in notify-svc (complaint-svc at revision {case['revision']})")
        return
    ours = [(s["status"], s.get("note")) for s in case["timeline"]]
    seen = [(s.get("status"), s.get("note")) for s in view.get("timeline", ())]
    if (view.get("revision"), view.get("status"), seen) != (case["revision"], case["status"], ours):
        out.add(ticket, "mismatched",
                f"notify-svc shows revision {view.get('revision')} {view.get('status')} {[s for s, _ in seen]}, "
                f"complaint-svc revision {case['revision']} {case['status']} {[s for s, _ in ours]}")


def judge(rows: list[LegacyRow], cases: list[dict], views: dict[str, dict], quarantined: set[str] | None) -> Comparison:
    """Every legacy row against the platform, and every case of the app against the legacy rows (pure)."""
    out = Comparison(APP, records=len(rows))
    by_ref: dict[str, dict] = {}
    for case in cases:
        ref = case["source_ref"] if case["source_app"] == APP else case["linked_ref"]
        by_ref[str(ref)] = case
    ids = {str(row.id) for row in rows}
    for row in rows:
        case = by_ref.get(str(row.id))
        view = views.get(case["ticket"]) if case else None
        judge_row(row, case, view, None if quarantined is None else str(row.id) in quarantined, out)
    for ref, case in sorted(by_ref.items()):
        if ref not in ids:
            out.add(case["ticket"], "mismatched", f"complaint-svc has a case for tb_pengaduan row {ref}, which is gone")
    corrections = sum(1 for c in cases for s in c["timeline"] if CORRECTION in (s.get("note") or ""))
    out.detail = f"{len(cases)} cases, {corrections} corrections in their timelines"
    out.observed = tuple((row.status, (c := by_ref.get(str(row.id))) and (c["revision"], c["status"]),
                          c and (views.get(c["ticket"]) or {}).get("revision")) for row in rows)
    return out


async def legacy_rows(engine: AsyncEngine) -> list[LegacyRow]:
    t = tb_pengaduan
    async with engine.connect() as conn:
        rows = (await conn.execute(
            select(t.c.id_pengaduan, t.c.status, t.c.isi_laporan, t.c.tgl_lapor).order_by(t.c.id_pengaduan)
        )).all()
    return [LegacyRow(r.id_pengaduan, r.status, r.isi_laporan, r.tgl_lapor) for r in rows]


async def compare(legacy: AsyncEngine, platform: AsyncEngine, quarantined: set[str] | None) -> Comparison:
    """tb_pengaduan against complaint-svc's cases and notify-svc's latest views, read now."""
    rows = await legacy_rows(legacy)
    cases = await complaint_cases(platform, APP)
    views = await latest_views(platform)
    return judge(rows, cases, views, quarantined)

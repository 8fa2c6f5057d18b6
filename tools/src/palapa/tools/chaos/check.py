"""Compare every view with the legacy truth: tb_pengaduan ↔ complaint-svc's case ↔ notify-svc's latest revision.

The expected status of a row comes from the legacy app's own idea of its codes (the simulator's stage
table, `palapa.curhat_legacy.codes.stage_of`: the simulator is our stand-in for the app and writes the
codes), not from bridge-curhat's `translate.canonical_status`: a checker that reused the bridge's mapping
could not catch the bridge mapping a code wrongly. Stages map one to one onto the canonical statuses.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from palapa.contracts.events import ComplaintStatus
from palapa.curhat_legacy.codes import DATE_FORMATS, stage_of
from palapa.curhat_legacy.schema import tb_pengaduan

STAGE_STATUS = {0: ComplaintStatus.RECEIVED, 1: ComplaintStatus.VERIFIED, 2: ComplaintStatus.IN_PROGRESS,
                3: ComplaintStatus.RESOLVED, 9: ComplaintStatus.REJECTED}
# the workflow only moves forward (0→1→2→3, or →9): a timeline's statuses strictly increase in this rank
RANK = {"received": 0, "verified": 1, "in_progress": 2, "resolved": 3, "rejected": 3}
EXAMPLES = 5


@dataclass(frozen=True)
class LegacyRow:
    id: int
    status: str
    isi_laporan: str | None
    tgl_lapor: str | None

    @property
    def ticket(self) -> str:
        return f"CURHAT-{self.id}"

    def expected(self) -> ComplaintStatus | None:
        """The status its case must show, or None when the app's row cannot make a complaint (quarantine)."""
        return None if self.flaw() else STAGE_STATUS[stage_of(self.status)]

    def flaw(self) -> str | None:
        """Why the row cannot make a complaint, or None."""
        if stage_of(self.status) is None:
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


@dataclass
class Verdict:
    rows: int = 0
    tracked: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    observed: tuple = ()  # what the views showed, to tell when the platform has gone quiet
    legacy: tuple = ()  # (id, status) of every legacy row: fixed once the writers stopped

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.mismatched)

    def lines(self) -> list[str]:
        out = [f"legacy rows={self.rows} (tracked {self.tracked}, to quarantine {self.rows - self.tracked})",
               f"lost={len(self.lost)} duplicated={len(self.duplicated)} mismatched={len(self.mismatched)}"]
        for name, items in (("lost", self.lost), ("duplicated", self.duplicated), ("mismatched", self.mismatched)):
            out += [f"  {name}: {item}" for item in items[:EXAMPLES]]
        return out


def judge_row(row: LegacyRow, case: dict | None, view: dict | None, quarantined: bool, v: Verdict) -> None:
    """Sort one legacy row's views into lost / duplicated / mismatched (pure)."""
    want = row.expected()
    if want is None:
        if case is not None:
            v.mismatched.append(
                f"{row.ticket}: the app's row is no complaint ({row.flaw()}) but complaint-svc has a case")
        elif not quarantined:
            v.lost.append(f"{row.ticket}: row with {row.flaw()} neither quarantined nor tracked")
        return
    v.tracked += 1
    if case is None:
        v.lost.append(f"{row.ticket}: no case in complaint-svc (legacy status {row.status!r})")
        return
    steps = [s["status"] for s in case["timeline"]]
    if len(set(steps)) != len(steps) or case["revision"] != len(steps):
        v.duplicated.append(f"{row.ticket}: timeline {steps} at revision {case['revision']}")
    elif any(RANK[a] >= RANK[b] for a, b in zip(steps, steps[1:], strict=False)):
        v.mismatched.append(f"{row.ticket}: timeline out of order {steps}")
    if case["status"] != want.value:
        v.mismatched.append(f"{row.ticket}: legacy {row.status!r} = {want.value}, complaint-svc {case['status']}")
    if view is None:
        v.lost.append(f"{row.ticket}: no view in notify-svc (complaint-svc at revision {case['revision']})")
        return
    seen = [s["status"] for s in view.get("timeline", ())]
    if (view.get("revision"), view.get("status"), seen) != (case["revision"], case["status"], steps):
        v.mismatched.append(f"{row.ticket}: notify-svc revision {view.get('revision')} {view.get('status')} "
                            f"{seen}, complaint-svc revision {case['revision']} {case['status']} {steps}")


async def legacy_rows(engine: AsyncEngine) -> list[LegacyRow]:
    t = tb_pengaduan
    async with engine.connect() as conn:
        rows = (await conn.execute(
            select(t.c.id_pengaduan, t.c.status, t.c.isi_laporan, t.c.tgl_lapor).order_by(t.c.id_pengaduan)
        )).all()
    return [LegacyRow(r.id_pengaduan, r.status, r.isi_laporan, r.tgl_lapor) for r in rows]


async def check(engine: AsyncEngine, http: httpx.AsyncClient, urls: dict[str, str], quarantined: set[str],
                concurrency: int = 16) -> Verdict:
    """One full comparison of every legacy row with both services' views."""
    rows = await legacy_rows(engine)
    gate = asyncio.Semaphore(concurrency)

    async def fetch(url: str) -> dict | None:
        async with gate:
            resp = await http.get(url)
        if resp.status_code == 404:
            return None
        resp.raise_for_status()
        return resp.json()

    async def views(row: LegacyRow) -> tuple[dict | None, dict | None]:
        case = await fetch(f"{urls['complaint-svc']}/complaints/{row.ticket}")
        view = await fetch(f"{urls['notify-svc']}/tickets/{row.ticket}") if case is not None else None
        return case, view

    found = await asyncio.gather(*(views(r) for r in rows))
    verdict = Verdict(rows=len(rows))
    for row, (case, view) in zip(rows, found, strict=True):
        judge_row(row, case, view, str(row.id) in quarantined, verdict)
    verdict.legacy = tuple((row.id, row.status) for row in rows)
    verdict.observed = tuple(
        (row.status, case and (case["revision"], case["status"]), view and view.get("revision"))
        for row, (case, view) in zip(rows, found, strict=True)
    ) + (len(quarantined),)
    return verdict

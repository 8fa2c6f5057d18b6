"""Fuzz the bridge with generated legacy rows, each followed by a normal complaint (the canary)."""

from __future__ import annotations

import random

import httpx
from aiokafka.partitioner import DefaultPartitioner
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from palapa.contracts.topics import COMPLAINT_INTAKE
from palapa.curhat_legacy.schema import tb_pengaduan
from palapa.curhat_legacy.writer import insert_complaint, wib_now

from .canary import Canary, wait_all
from .report import Tally
from .values import Values

LENGTHS = {c.name: getattr(c.type, "length", None) for c in tb_pengaduan.columns}
TEXT_COLUMNS = ("nik", "nama_pelapor", "no_hp", "isi_laporan", "kategori", "lokasi", "status", "tgl_lapor")
HUGE_TEXT = 2 * 1024 * 1024
_PARTITIONER = DefaultPartitioner()


def normal_row(n: int) -> dict[str, object]:
    """A complaint the legacy app writes every day."""
    return {"nik": "3576014403910003", "nama_pelapor": "Siti Aminah", "no_hp": "081234567890",
            "isi_laporan": f"Lampu PJU di Jl. Mojopahit mati (kenari {n})", "kategori": "PJU",
            "lokasi": "Jl. Mojopahit Kranggan", "status": "0"}


class LegacyRows:
    """Seeded poison rows: every column spoiled as a careless app or a hostile user could."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.v = rng, Values(rng)

    def poison(self, n: int) -> dict[str, object]:
        r, v = self.rng, self.v
        row = normal_row(n)
        for _ in range(r.randint(1, 3)):
            column = r.choice(TEXT_COLUMNS)
            spoil = r.choice(("control", "huge", "status", "blank", "date", "nik", "long", "unicode", "nul"))
            if spoil == "huge":
                column = "isi_laporan"
                row[column] = (v.unicode_mess(4) + "x" * HUGE_TEXT)[:HUGE_TEXT]
            elif spoil == "status":
                row["status"] = v.status()
            elif spoil == "blank":
                row[column] = v.blank() if column != "status" else r.choice(("", " "))
            elif spoil == "date":
                row["tgl_lapor"] = v.junk_date()
            elif spoil == "nik":
                # a NIK typed into the wrong column: it must not leak (logs, quarantine events)
                row[r.choice(("nama_pelapor", "isi_laporan", "kategori", "lokasi", "no_hp"))] = v.nik()
            elif spoil == "long":
                row["kategori"] = v.text(LENGTHS["kategori"])
            elif spoil == "nul":
                # PostgreSQL refuses NUL in text, so the legacy insert is expected to fail here
                # (MariaDB would keep it); counted apart as refused by the legacy database
                row[column] = f"a\x00{v.control(5)}"
            elif spoil == "unicode":
                row[column] = v.unicode_mess()
            else:
                row[column] = v.control(nul=False)
        # keep within the app's column sizes: the app (and its database) never stores more
        for column, length in LENGTHS.items():
            if length and isinstance(row.get(column), str):
                row[column] = row[column][:length]
        if row["status"] is None:
            row["status"] = ""
        return row


async def run(legacy: AsyncEngine, http: httpx.AsyncClient, urls: dict[str, str], count: int,
              rng: random.Random, tally: Tally, deadline_s: float) -> None:
    """Insert `count` poison rows, each followed by a canary row; then wait for every canary's ticket."""
    rows = LegacyRows(rng)
    canaries: list[Canary] = []
    last_poison: dict[int, str] = {}  # intake partition → the latest poison whose ticket travels there
    for n in range(count):
        poison = rows.poison(n)
        # tgl_update stays the app's own clock: it is the poller's order, spoiling it tests no poison path
        try:
            poison_ticket = f"CURHAT-{await insert_complaint(legacy, **poison, tgl_update=wib_now())}"
        except DBAPIError:
            tally.refused_at_source += 1
            poison_ticket = "(refused)"
        tally.sent["legacy"] += 1
        described = f"{poison_ticket} {spoiled(poison, n)}"
        if poison_ticket != "(refused)":
            last_poison[intake_partition(poison_ticket)] = described
        ticket = f"CURHAT-{await insert_complaint(legacy, **normal_row(n), tgl_update=wib_now())}"
        p = intake_partition(ticket)
        # the bridge reads rows in order, then each ticket travels its own intake partition: a stall shows
        # there, most likely behind the latest poison on that partition
        canaries.append(Canary(f"bridge → intake p{p}", ticket, last_poison.get(p, described),
                               _arrived(http, urls, ticket)))
    await wait_all(canaries, tally, "legacy", deadline_s)


def spoiled(poison: dict[str, object], n: int) -> dict[str, object]:
    """Only the columns that differ from a normal row: what the failure list needs to show."""
    normal = normal_row(n)
    return {k: v for k, v in poison.items() if normal.get(k) != v}


def intake_partition(ticket: str) -> int:
    """The intake partition a ticket's events travel (Kafka's default partitioner: murmur2 of the key)."""
    parts = list(range(COMPLAINT_INTAKE.partitions))
    return _PARTITIONER(ticket.encode(), parts, parts)


def _arrived(http: httpx.AsyncClient, urls: dict[str, str], ticket: str):
    async def check() -> bool:
        case = await http.get(f"{urls['complaint-svc']}/complaints/{ticket}")
        if case.status_code != 200:
            return False
        return (await http.get(f"{urls['notify-svc']}/tickets/{ticket}")).status_code == 200

    return check

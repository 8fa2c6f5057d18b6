"""What the digest sweep costs on PBB payments: `./palapa bench sweep --rows 500000`.

Starts Tansu, PostgreSQL and bridge-pbb as its own process on free ports (or the broker and database the environment
names), fills BPKPD's payments table (palapa.pbb_legacy's shape) with N payments in one INSERT … SELECT, lets the
bridge bridge them once with its sweep off, then restarts it with a sweep every --every seconds and reads three
passes off its /metrics (palapa_bridge_sweep_*):

1. the first pass after a start: nothing known yet, every row is read and fingerprinted;
2. after 1% of the payments changed behind the poll (an amount corrected, tgl_rekam left as it was) and 0.1% were
   deleted, between two passes: what it found must be exactly those [OK];
3. nothing changed: only the database digests its rows (PostgreSQL), the bridge reads nothing again.

Per pass: rows/s, the bridge process's CPU during the pass, the legacy database's time (pg_stat_database.active_time
of its database from the end of the previous pass, the idle poll's queries included, and how long the bridge waited
for its answers), and the bridge's peak RSS (VmHWM, reset after the previous pass where the kernel lets us).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from palapa.devstack import Stack, tail
from palapa.tools.scratch import bench_stack

from .pbb import BRIDGE_ENV, _until, peak_rss_mb

APP = "cek-pbb"
#: N payments over the last N seconds (WIB, the bank counter's clock), each a valid NOP and year
FILL = text("""
    INSERT INTO pembayaran_sppt (nop, thn_pajak_sppt, jml_bayar, tgl_pembayaran, tgl_rekam)
    SELECT lpad(g::text, 18, '3576'), 2026, 100000 + g, t, t
    FROM generate_series(1, :n) AS g, LATERAL (
        SELECT date_trunc('second', now() AT TIME ZONE 'Asia/Jakarta') - make_interval(secs => :n - g)) AS x(t)
""")
# behind the poll: the change time stays, so only the sweep can see these
CHANGE = text("UPDATE pembayaran_sppt SET jml_bayar = jml_bayar + 1 WHERE id % 100 = 42")
DELETE = text("DELETE FROM pembayaran_sppt WHERE id % 1000 = 7")
ACTIVE_MS = text("SELECT active_time FROM pg_stat_database WHERE datname = current_database()")
PENDING = text("SELECT count(*) FROM bridge_pbb.outbox WHERE published_at IS NULL")
POSITION = text("SELECT position_id FROM bridge_pbb.checkpoint WHERE app_id = :app")
NEWEST = text("SELECT id FROM pembayaran_sppt ORDER BY tgl_rekam DESC, id DESC LIMIT 1")
METRIC = re.compile(r'^(palapa_bridge_sweeps_total|palapa_bridge_sweep_\w+)\{[^}]*app="' + APP + r'"[^}]*\} (\S+)$',
                    re.M)


@dataclass(frozen=True)
class Pass:
    what: str
    figures: dict[str, float]  # palapa_bridge_sweep_* of the pass, by name (rows, reread, changed, …)
    legacy_active_s: float
    rss_mb: float

    def line(self) -> str:
        f = self.figures
        return (f"{self.what}: {f['rows']:,.0f} rows in {f['seconds']:.2f}s ({f['rows'] / f['seconds']:,.0f} rows/s), "
                f"{f['reread']:,.0f} read again; found {f['changed']:,.0f} changed, {f['deleted']:,.0f} deleted; "
                f"bridge CPU {f['cpu_seconds']:.2f}s; legacy database {self.legacy_active_s:.2f}s active (the bridge "
                f"waited {f['source_seconds']:.2f}s for it); bridge peak RSS {self.rss_mb:.0f} MB")


@dataclass(frozen=True)
class Run:
    rows: int
    fill_s: float
    bridge_s: float
    changed: int  # payments changed behind the poll before pass 2
    deleted: int
    passes: list[Pass]

    @property
    def ok(self) -> bool:
        first, moved, quiet = (p.figures for p in self.passes)
        return (first["rows"] == first["reread"] == self.rows and (first["changed"], first["deleted"]) == (0, 0)
                and (moved["changed"], moved["deleted"]) == (self.changed, self.deleted)
                and (quiet["changed"], quiet["deleted"]) == (0, 0) and quiet["rows"] == self.rows - self.deleted)

    def report(self) -> str:
        return "\n".join([
            f"filled {self.rows:,} payments in {self.fill_s:.1f}s; bridged once (every TaxBillPaid published) in "
            f"{self.bridge_s:.1f}s ({self.rows / self.bridge_s:,.0f} rows/s)",
            *(p.line() for p in self.passes),
            f"[{'OK' if self.ok else 'MISMATCH'}] pass 2 had {self.changed:,} changed and {self.deleted:,} deleted "
            "to find; load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()),
        ])


async def _scalar(engine: AsyncEngine, query, **params):
    async with engine.connect() as conn:
        return await conn.scalar(query, params)


async def _figures(url: str) -> dict[str, float]:
    async with httpx.AsyncClient(timeout=5) as http:
        body = (await http.get(f"{url}/metrics")).text
    return {name.removeprefix("palapa_bridge_").removeprefix("sweep_"): float(value)
            for name, value in METRIC.findall(body)}


def _reset_peak_rss(pid: int) -> None:
    """VmHWM back to the current RSS (Linux: '5' to clear_refs), so the next peak is the next pass's."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass  # not allowed here: the peak is then the process's since its start


async def _restart(stack: Stack, env: dict[str, str], name: str = "bridge-pbb") -> None:
    """The bridge `name` again, with `env` (a restart is how its settings change)."""
    run = stack.running[name]
    run.proc.terminate()
    await asyncio.to_thread(run.proc.wait, 30)
    stack.extra_env[name] = env
    await stack.restart_crashed(max_restarts=10)


async def _sweep_pass(stack: Stack, legacy: AsyncEngine, done: int, what: str, timeout_s: float) -> Pass:
    """Wait for pass number `done` to end; its figures, and the legacy database's time since the previous one."""
    run = stack.running["bridge-pbb"]
    active = await _scalar(legacy, ACTIVE_MS)
    got: dict[str, float] = {}

    async def ended() -> bool:
        got.update(await _figures(run.url))
        return got.get("sweeps_total", 0) >= done

    await _until(ended, timeout_s, f"sweep pass {done}", run.proc, every=0.1)
    rss = peak_rss_mb(run.proc.pid)
    await asyncio.sleep(1.5)  # PostgreSQL flushes an idle backend's statistics within a second
    return Pass(what, got, (await _scalar(legacy, ACTIVE_MS) - active) / 1000, rss)


async def measure(stack: Stack, rows: int, every: float, timeout_s: float, *, leave_as_found: bool = True) -> Run:
    """Fill, bridge once, then three sweep passes of the stack's bridge-pbb (restarted with the sweep on; then again
    with its settings as they were when `leave_as_found`: a shared platform)."""
    legacy, own = create_async_engine(stack.pbb_database_url), create_async_engine(stack.database_url)
    before = dict(stack.extra_env.get("bridge-pbb", {}))
    try:
        started = time.perf_counter()
        async with legacy.begin() as conn:
            await conn.execute(FILL, {"n": rows})
        filled = time.perf_counter()
        newest = await _scalar(legacy, NEWEST)
        proc = stack.running["bridge-pbb"].proc

        async def bridged() -> bool:
            return await _scalar(own, POSITION, app=APP) == newest and await _scalar(own, PENDING) == 0

        await _until(bridged, timeout_s, "every payment bridged and published", proc, every=0.2)
        bridged_at = time.perf_counter()
        total = await _scalar(legacy, text("SELECT count(*) FROM pembayaran_sppt"))
        await _restart(stack, {**before, "BRIDGE_PBB_SWEEP_SECONDS": str(every),
                               "BRIDGE_PBB_POLL_INTERVAL_SECONDS": "1"})
        first = await _sweep_pass(stack, legacy, 1, "pass 1, after a start (nothing known)", timeout_s)
        async with legacy.begin() as conn:  # between two passes (the sweep pauses `every` seconds)
            changed = (await conn.execute(CHANGE)).rowcount
            deleted = (await conn.execute(DELETE)).rowcount
        await asyncio.sleep(1.5)  # its statistics flushed before the next pass's baseline is read
        _reset_peak_rss(stack.running["bridge-pbb"].proc.pid)
        moved = await _sweep_pass(stack, legacy, 2, f"pass 2, {changed:,} changed and {deleted:,} deleted", timeout_s)
        _reset_peak_rss(stack.running["bridge-pbb"].proc.pid)
        quiet = await _sweep_pass(stack, legacy, 3, "pass 3, nothing changed", timeout_s)
    finally:
        await legacy.dispose()
        await own.dispose()
    if leave_as_found:
        await _restart(stack, before)
    return Run(total, filled - started, bridged_at - filled, changed, deleted, [first, moved, quiet])


async def reported(stack: Stack, bridge: str, name: str, measuring: Awaitable) -> None:
    """Print the report of what `measuring` returns; when it fails, what the bridge's log ends with first."""
    try:
        print((await measuring).report())
    except BaseException:
        print(f"bench {name} failed; the bridge's log ends with:\n{tail(stack.running[bridge].log)}", file=sys.stderr)
        raise


def parser_for(name: str, doc: str | None) -> argparse.ArgumentParser:
    """A sweep benchmark's options, its module docstring as the help."""
    return argparse.ArgumentParser(prog=f"palapa bench {name}", description=doc,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)


async def run(args: argparse.Namespace) -> None:
    # the sweep off while the payments are bridged the first time (in batches of 5,000: sooner there), so the
    # passes measured are the only ones
    env = {**BRIDGE_ENV, "BRIDGE_PBB_SWEEP_SECONDS": "0", "BRIDGE_PBB_BATCH_SIZE": "5000"}
    async with bench_stack("palapa-bench-sweep-", only=("bridge-pbb",), extra_env={"bridge-pbb": env}) as stack:
        await reported(stack, "bridge-pbb", "sweep",
                       measure(stack, args.rows, args.every, args.timeout, leave_as_found=False))


def main(argv: list[str] | None = None) -> None:
    parser = parser_for("sweep", __doc__)
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--every", type=float, default=15.0, help="seconds between passes (the changes land between)")
    parser.add_argument("--timeout", type=float, default=1800)
    asyncio.run(run(parser.parse_args(argv)))

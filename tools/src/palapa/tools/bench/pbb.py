"""PBB export benchmark: a city's full export into bridge-pbb, until every change event is on the broker.

`./palapa bench pbb --bills 500000` starts Tansu and an embedded PostgreSQL on free ports (or uses the broker
and database the environment names) and bridge-pbb as its own process (so its peak RSS is its own), writes BPKPD's
export of N bills (palapa.pbb_legacy.Export, quirks included) and drops it into the bridge's folder at once
(rename + `.done`). It times the drop until the bridge has staged the whole file AND its relay has published every
event (acknowledged by the broker, marked), then does the same with a second export where 1% of the bills changed
(half a new amount, half paid), and checks that exactly those changes were emitted.
The bridge's peak RSS is VmHWM from /proc.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from palapa.contracts.topics import TAX_BILLS
from palapa.devstack import Stack, tail
from palapa.pbb_legacy import Export
from palapa.tools.scratch import bench_stack

PENDING = "SELECT count(*) FROM bridge_pbb.outbox WHERE published_at IS NULL"


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used (on a machine shared with other work, its own cost)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _until(check, timeout_s: float, what: str, proc: subprocess.Popen, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"bridge-pbb exited with {proc.returncode} while waiting for {what}")
        if await check():
            return
        await asyncio.sleep(every)
    raise TimeoutError(f"{what} not within {timeout_s}s")


async def drop_and_wait(db: AsyncEngine, export: Export, folder: Path, name: str, mtime: int,
                        proc: subprocess.Popen, timeout_s: float) -> tuple[float, int]:
    """Write the export beside the folder, move it in at once, and time until it is read and all is published."""
    async with db.connect() as conn:
        first_id = await conn.scalar(text("SELECT coalesce(max(id), 0) FROM bridge_pbb.outbox"))
    staging = folder.parent / name
    await asyncio.to_thread(export.write, staging, False)
    os.utime(staging, ns=(mtime, mtime))
    cpu_before = cpu_seconds(proc.pid)
    started = time.perf_counter()
    staging.rename(folder / name)
    (folder / f"{name}.done").touch()

    read_at: list[float] = []

    async def done() -> bool:
        async with db.connect() as conn:
            query = text("SELECT position_name, position_done FROM bridge_pbb.export_checkpoint")
            row = (await conn.execute(query)).first()
            if row is None or row.position_name != name or not row.position_done:
                return False
            if not read_at:
                read_at.append(time.perf_counter() - started)
            return await conn.scalar(text(PENDING)) == 0

    await _until(done, timeout_s, f"{name} read and published", proc)
    elapsed = time.perf_counter() - started
    print(f"  {name}: file read and its events staged after {read_at[0]:.2f}s, all published after {elapsed:.2f}s; "
          f"bridge CPU {cpu_seconds(proc.pid) - cpu_before:.2f}s; load average {os.getloadavg()[0]:.1f}", flush=True)
    async with db.connect() as conn:
        emitted = await conn.scalar(text("SELECT count(*) FROM bridge_pbb.outbox WHERE id > :first AND topic = :t"),
                                    {"first": first_id, "t": TAX_BILLS.name})
    return elapsed, emitted


#: bridge-pbb's settings for the benchmark: it looks at its drop folder often, so the wait for it is not measured
BRIDGE_ENV = {"BRIDGE_PBB_DROP_POLL_SECONDS": "0.05", "BRIDGE_PBB_HEARTBEAT_SECONDS": "5"}


@dataclass(frozen=True)
class Run:
    bills: int
    first_s: float
    first_n: int  # events emitted for the first export: one per bill
    changed: float
    picked: int  # bills changed in the second export
    second_s: float
    second_n: int  # events emitted for the second: one per changed bill
    rss_mb: float

    @property
    def ok(self) -> bool:
        return self.first_n == self.bills and self.second_n == self.picked

    def report(self) -> str:
        return (
            f"first export: {self.bills:,} bills, file→all {self.first_n:,} events published in {self.first_s:.2f}s "
            f"({self.bills / self.first_s:,.0f} bills/s); bridge peak RSS {self.rss_mb:.0f} MB\n"
            f"second export ({self.changed:.0%} changed): {self.second_n:,} events emitted for {self.picked:,} "
            f"changed bills in {self.second_s:.2f}s [{'OK' if self.ok else 'MISMATCH'}]"
        )


async def measure(stack: Stack, bills: int, changed: float, timeout_s: float) -> Run:
    """Two exports through the bridge-pbb of a started stack (BRIDGE_ENV in its environment)."""
    proc = stack.running["bridge-pbb"].proc
    drop = stack.settings.data_dir / "pbb-exports"
    if os.environ.get("PBB_BENCH_PROFILE"):  # py-spy on the bridge (a development aid)
        subprocess.Popen(["uvx", "py-spy", "record", "-p", str(proc.pid), "-o", os.environ["PBB_BENCH_PROFILE"],
                          "-f", "raw", "-r", "50"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = create_async_engine(stack.database_url)
    try:
        async def started() -> bool:
            async with db.connect() as conn:
                if not await conn.scalar(text("SELECT to_regclass('bridge_pbb.export_checkpoint') IS NOT NULL")):
                    return False
                return bool(await conn.scalar(text("SELECT count(*) FROM bridge_pbb.export_checkpoint")))

        await _until(started, 60, "bridge-pbb to start", proc, every=0.2)
        export = Export(bills)
        now = time.time_ns()
        first_s, first_n = await drop_and_wait(db, export, drop, "pbb_1.csv", now, proc, timeout_s)
        picked = export.change(changed, seed=42)
        second_s, second_n = await drop_and_wait(db, export, drop, "pbb_2.csv", now + 10**9, proc, timeout_s)
    finally:
        await db.dispose()
    return Run(bills, first_s, first_n, changed, len(picked), second_s, second_n, peak_rss_mb(proc.pid))


async def run(args: argparse.Namespace) -> None:
    # bridge-pbb as its own process (so its peak RSS is its own), with its broker and databases
    async with bench_stack("palapa-bench-pbb-", only=("bridge-pbb",), extra_env={"bridge-pbb": BRIDGE_ENV}) as stack:
        try:
            print((await measure(stack, args.bills, args.changed, args.timeout)).report())
        except BaseException:
            print(f"bench pbb failed; the bridge's log ends with:\n{tail(stack.running['bridge-pbb'].log)}",
                  file=sys.stderr)
            raise


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench pbb", description=__doc__)
    parser.add_argument("--bills", type=int, default=500_000)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--timeout", type=float, default=600)
    asyncio.run(run(parser.parse_args(argv)))

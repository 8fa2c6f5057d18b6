"""PBB export benchmark: a city's full export into bridge-pbb, until every change event is on the broker.

`./palapa bench pbb --bills 500000` starts Tansu and an embedded PostgreSQL on free ports and bridge-pbb as its
own process (so its peak RSS is its own), writes BPKPD's export of N bills (palapa.pbb_legacy.Export, quirks
included) and drops it into the bridge's folder at once (rename + `.done`). It times the drop until the bridge
has staged the whole file AND its relay has published every event (acknowledged by the broker, marked), then
does the same with a second export where 1% of the bills changed (half a new amount, half paid), and checks that
exactly those changes were emitted. The bridge's peak RSS is VmHWM from /proc.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from palapa.contracts.topics import TAX_BILLS
from palapa.kit.topics import ensure_topics
from palapa.localstack import LocalPostgres, LocalTansu, ensure_database, free_port, terminate
from palapa.pbb_legacy import Export, create

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


async def measure(bills: int, changed: float, timeout_s: float) -> str:
    folder = Path(tempfile.mkdtemp(prefix="palapa-bench-pbb-"))
    os.chmod(folder, 0o755)
    drop = folder / "drop"
    drop.mkdir()
    proc = None
    try:
        with LocalPostgres(folder / "pg", durable=False) as pg, LocalTansu() as tansu:
            url = await ensure_database(pg.url(), "bench")
            legacy_url = await ensure_database(pg.url(), "pbb_legacy")
            legacy = create_async_engine(legacy_url)
            await create(legacy)
            await legacy.dispose()
            await ensure_topics(tansu.bootstrap)
            env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": tansu.bootstrap, "KAFKA_PROFILE": "tansu",
                   "DATABASE_URL": url, "LOG_LEVEL": "WARNING", "BRIDGE_PBB_LEGACY_DATABASE_URL": legacy_url,
                   "BRIDGE_PBB_DROP_FOLDER": str(drop), "BRIDGE_PBB_DROP_POLL_SECONDS": "0.05",
                   "BRIDGE_PBB_HTTP_PORT": str(free_port()), "BRIDGE_PBB_HEARTBEAT_SECONDS": "5"}
            log = open(folder / "bridge-pbb.log", "wb")
            proc = subprocess.Popen([sys.executable, "-m", "palapa.bridge_pbb"], env=env, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            if os.environ.get("PBB_BENCH_PROFILE"):  # py-spy on the bridge (a development aid)
                subprocess.Popen(["uvx", "py-spy", "record", "-p", str(proc.pid), "-o", os.environ["PBB_BENCH_PROFILE"],
                                  "-f", "raw", "-r", "50"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            db = create_async_engine(url)

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
            rss = peak_rss_mb(proc.pid)
            await db.dispose()
    except BaseException:
        print(f"bench pbb failed; the bridge's log: {folder / 'bridge-pbb.log'}", file=sys.stderr)
        raise
    else:
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        terminate(proc)
    ok = "OK" if second_n == len(picked) and first_n == bills else "MISMATCH"
    return (
        f"first export: {bills:,} bills, file→all {first_n:,} events published in {first_s:.2f}s "
        f"({bills / first_s:,.0f} bills/s); bridge peak RSS {rss:.0f} MB\n"
        f"second export ({changed:.0%} changed): {second_n:,} events emitted for {len(picked):,} changed bills "
        f"in {second_s:.2f}s [{ok}]"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench pbb", description=__doc__)
    parser.add_argument("--bills", type=int, default=500_000)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    print(asyncio.run(measure(args.bills, args.changed, args.timeout)))

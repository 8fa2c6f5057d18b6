"""Directory search and census import benchmarks on catalog-svc alone (its own process, embedded PostgreSQL).

`./palapa bench search [--services 10000] [--rate 200] [--seconds 20] [--clients 32]` imports a generated
catalog of N services through POST /directory/services, then (1) sends searches at a steady rate from concurrent
clients, timing each from its scheduled moment (a late request counts its wait), and (2) runs closed-loop clients
as fast as they go for the most searches per second one catalog-svc process answers.
`./palapa bench census-import --rows 5000` times POST /census of a generated census of N rows, then its re-import.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx

from palapa.devstack import Stack, tail
from palapa.tools.scratch import bench_stack, staff_token

from .catalog_data import QUERIES, census_csv, services_csv
from .wire import Client


def cpu_total(root: int, *, children: bool = False) -> float:
    """CPU seconds (user + system) of a process; with `children`, also of its children, live or ended (the
    postmaster's reaped children count in its cutime/cstime, so backends that come and go are not lost)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == root:
            total += sum(int(f) for f in fields[11:13 + 2 * children]) / tick
        elif children and ppid == root:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


@asynccontextmanager
async def catalog_alone(prefix: str) -> AsyncIterator[Stack]:
    """catalog-svc as its own process on free ports with its broker and database; its log's end on a failure."""
    async with bench_stack(prefix, only=("catalog-svc",)) as stack:
        try:
            yield stack
        except Exception:
            print(f"catalog-svc's log ends with:\n{tail(stack.running['catalog-svc'].log)}", flush=True)
            raise


def postgres_pid(stack) -> int | None:
    """The embedded PostgreSQL's postmaster (its backends are its children), None with a DATABASE_URL."""
    return stack._postgres.proc.pid if stack._postgres and stack._postgres.proc else None


def own_cpu() -> float:
    t = os.times()
    return t.user + t.system


def _percentiles(seconds: list[float]) -> str:
    ms = sorted(x * 1000 for x in seconds)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return f"p50={q[49]:.1f}ms p90={q[89]:.1f}ms p99={q[98]:.1f}ms max={ms[-1]:.1f}ms"


async def one_search(conn: Client, q: str) -> None:
    """One search; an empty result is an error (the benchmark's queries all find services)."""
    body = await conn.get(f"/directory/search?q={quote(q)}")
    if b'"items":[]' in body:
        raise RuntimeError(f"search {q!r}: no items: {body[:200]!r}")


async def steady(url: str, rate: float, seconds: float, clients: int) -> list[float]:
    """Searches scheduled every 1/rate s, sent by `clients` concurrent clients; latency from the scheduled moment."""
    total = int(rate * seconds)
    start = time.perf_counter() + 0.2
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    latencies: list[float] = []

    async def client() -> None:
        conn = Client(url)
        while not queue.empty():
            i = queue.get_nowait()
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            await one_search(conn, QUERIES[i % len(QUERIES)])
            latencies.append(time.perf_counter() - due)
        await conn.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies


async def flat_out(url: str, seconds: float, clients: int) -> tuple[float, int]:
    """Searches per second with `clients` closed-loop clients sending as fast as they are answered."""
    done = 0
    stop = time.perf_counter() + seconds

    async def client(k: int) -> None:
        nonlocal done
        i, conn = k, Client(url)
        while time.perf_counter() < stop:
            await one_search(conn, QUERIES[i % len(QUERIES)])
            done, i = done + 1, i + clients
        await conn.close()

    began = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    return done / (time.perf_counter() - began), done


@dataclass
class Searches:
    services: int
    inserted: int
    refused: int
    import_s: float
    megabytes: float
    rate: float
    seconds: float
    clients: int
    steady: list[float]
    best: float  # searches/s flat out
    count: int  # searches answered flat out
    cpu_ms: dict[str, float]  # CPU per search flat out: catalog-svc, PostgreSQL, this load generator

    def lines(self) -> list[str]:
        cpu = self.cpu_ms
        return [
            f"catalog: {self.inserted} services imported in {self.import_s:.1f}s ({self.megabytes:.1f} MB, "
            f"refused {self.refused}); 54 shipped ones besides",
            f"steady {self.rate:.0f} searches/s for {self.seconds:.0f}s, {self.clients} clients: {len(self.steady)} "
            f"searches, {_percentiles(self.steady)} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)",
            f"most searches/s of one catalog-svc process ({self.clients} closed-loop clients, {self.seconds / 2:g}s; "
            f"the load generator shares the cores): {self.best:,.0f}/s; CPU per search: catalog-svc "
            f"{cpu['catalog-svc']:.2f} ms, PostgreSQL {cpu['postgres']:.2f} ms, this load generator {cpu['me']:.2f} ms",
        ]


async def search(stack: Stack, services: int, rate: float, seconds: float, clients: int) -> Searches:
    """Import `services` generated services into the stack's catalog-svc, then search at `rate` and flat out."""
    url = stack.running["catalog-svc"].url
    admin = {"Authorization": f"Bearer {await staff_token(stack)}"}  # the import is a catalog admin's write
    async with httpx.AsyncClient(base_url=url, timeout=600, headers=admin) as http:
        body = services_csv(services)
        began = time.perf_counter()
        res = (await http.post("/directory/services", content=body)).json()
        import_s = time.perf_counter() - began
    warm = Client(url)
    for q in QUERIES:  # warm up: every query once
        await one_search(warm, q)
    await warm.close()
    lat = await steady(url, rate, seconds, clients)
    svc_pid = stack.running["catalog-svc"].proc.pid
    pg_pid = postgres_pid(stack)
    svc, pg, me = cpu_total(svc_pid), cpu_total(pg_pid, children=True) if pg_pid else 0.0, own_cpu()
    best, count = await flat_out(url, seconds / 2, clients)
    cpu = {"catalog-svc": cpu_total(svc_pid) - svc, "me": own_cpu() - me,
           "postgres": cpu_total(pg_pid, children=True) - pg if pg_pid else float("nan")}
    return Searches(services, res["inserted"], len(res["refused"]), import_s, len(body) / 2**20, rate, seconds,
                    clients, lat, best, count, {k: v / count * 1000 for k, v in cpu.items()})


async def run_search(args: argparse.Namespace) -> None:
    async with catalog_alone("palapa-bench-search-") as stack:
        found = await search(stack, args.services, args.rate, args.seconds, args.clients)
        print("\n".join(found.lines()))


async def census_import(url: str, rows: int, token: str) -> list[tuple[str, float, dict]]:
    """POST a generated census of `rows` apps twice as the catalog admin whose `token` is given, printing each
    pass's figures: (import | re-import, seconds, catalog-svc's answer) of each."""
    passes = []
    async with httpx.AsyncClient(base_url=url, timeout=600, headers={"Authorization": f"Bearer {token}"}) as http:
        body = census_csv(rows)
        for label in ("import", "re-import"):
            began = time.perf_counter()
            answer = await http.post("/census", content=body)
            answer.raise_for_status()
            res, took = answer.json(), time.perf_counter() - began
            passes.append((label, took, res))
            print(f"census {label}: {rows} rows ({len(body) / 1024:.0f} KB) in {took:.2f}s "
                  f"({rows / took:,.0f} rows/s): read {res['read']}, inserted {res['inserted']}, "
                  f"updated {res['updated']}, refused {len(res['refused'])}", flush=True)
    return passes


async def run_census(args: argparse.Namespace) -> None:
    async with catalog_alone("palapa-bench-census-") as stack:
        await census_import(stack.running["catalog-svc"].url, args.rows, await staff_token(stack))


def main_search(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench search", description=__doc__)
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=32)
    asyncio.run(run_search(parser.parse_args(argv)))


def main_census(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench census-import", description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    asyncio.run(run_census(parser.parse_args(argv)))

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
import random
import shutil
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import httpx

from palapa.devstack import DevstackSettings, Stack, tail
from palapa.tools.scratch import scratch_folder

SERVICE_HEADER = ("ID Layanan;Nama Layanan;ID Aplikasi;Nama Aplikasi;OPD;Bidang;Sasaran;Persyaratan;Biaya;Hari Kerja;"
                  "Alamat URL;Kata Kunci;Keterangan")
CENSUS_HEADER = ("No;Nama Aplikasi;OPD Pengelola;Alamat URL;Jenis Aplikasi;Sasaran Pengguna;Bidang Layanan;Status;"
                 "Keterangan")
VERBS = ("Pembuatan", "Penerbitan", "Perubahan", "Pendaftaran", "Permohonan", "Perpanjangan", "Pengaduan",
         "Pelaporan", "Pemeriksaan", "Rekomendasi", "Legalisir", "Bantuan", "Izin", "Surat Keterangan", "Konsultasi")
THINGS = ("KTP-el", "Kartu Keluarga", "Akta Kelahiran", "Akta Kematian", "Kartu Identitas Anak", "Surat Pindah",
          "PBB", "BPHTB", "Pajak Reklame", "Pajak Restoran", "Pajak Hotel", "Retribusi Pasar", "NIB", "PBG",
          "Izin Usaha Mikro", "Izin Praktik Dokter", "Izin Apotek", "Sertifikat Higiene", "SKTM", "DTKS",
          "Bantuan Sosial", "Beasiswa", "PPDB", "Kartu Pencari Kerja", "Pelatihan Kerja", "Uji KIR", "Parkir",
          "Trayek Angkutan", "Lampu Jalan", "Jalan Rusak", "Saluran Air", "Sampah", "Pohon Tumbang", "Banjir",
          "Kebakaran", "Ambulans", "Imunisasi", "Antrian Puskesmas", "Posyandu", "Vaksinasi Hewan", "Air Bersih",
          "Rumah Tidak Layak Huni", "Makam", "Domisili", "Ahli Waris", "Usaha", "Belum Menikah", "SKCK", "Keramaian")
PLACES = ("Prajurit Kulon", "Surodinawan", "Blooto", "Mentikan", "Kranggan", "Pulorejo", "Magersari", "Gedongan",
          "Gunung Gedangan", "Kedundung", "Balongsari", "Wates", "Miji", "Meri", "Jagalan", "Sentanan", "Purwotengah",
          "Kauman")
OPDS = ("DISPENDUKCAPIL", "DINKES", "BAPENDA", "DPMPTSP", "DINSOS", "DISHUB", "BAGPEM", "DISKOMINFO", "DPUPR",
        "DIKBUD", "DISNAKER", "BPBD", "DLH", "SATPOLPP", "PERKIM", "DISPERINDAG")
FIELDS = ("administrasi kependudukan", "kesehatan", "pajak", "perizinan", "kemiskinan", "transportasi",
          "pemerintahan", "pengaduan", "pendidikan", "ketenagakerjaan", "kebencanaan", "lingkungan")
REQUIREMENTS = ("KTP-el", "Kartu Keluarga", "Surat pengantar RT/RW", "Pas foto 3x4", "Formulir permohonan", "NPWP",
                "Sertifikat tanah", "Bukti lunas PBB", "Surat keterangan dokter", "Akta kelahiran", "Ijazah terakhir")
#: What citizens type: the search-quality table's queries, several words, typos, filler words
QUERIES = ("KTP", "kartu tanda penduduk", "bikin ktp baru", "ktp hilang", "pengaduan", "mengadukan jalan rusak",
           "aduan", "ambulans", "ambulan", "gawat darurat", "PSC 119", "PBB", "pajak bumi dan bangunan", "bayar pbb",
           "SKTM", "surat keterangan tidak mampu", "akte kelahiran", "akta lahir anak", "kependudukn", "kartu keluarga",
           "IMB", "izin usaha", "antrian puskesmas", "bansos", "surat domisili prajurit kulon", "lampu jalan mati",
           "kebakaran", "kartu kuning", "imunisasi bayi", "bagaimana cara membuat akta kematian", "pajak restoran",
           "izin praktik dokter", "sampah", "beasiswa sekolah", "uji kir", "surat keterangan usaha kauman")


def services_csv(n: int, seed: int = 10) -> bytes:
    """N generated services across the city's OPDs and kelurahan (deterministic)."""
    rng = random.Random(seed)
    lines = [SERVICE_HEADER]
    for i in range(n):
        verb, thing, place = rng.choice(VERBS), rng.choice(THINGS), rng.choice(PLACES)
        opd, field = rng.choice(OPDS), rng.choice(FIELDS)
        reqs = "|".join(rng.sample(REQUIREMENTS, rng.randint(1, 4)))
        fee = rng.choice((0, 0, 0, 5000, 10000, 50000, ""))
        name = f"{verb} {thing} {place} {i}"
        lines.append(f"svc-{i};{name};app-{i % 300};Aplikasi {opd.title()} {i % 300};{opd};{field};Masyarakat;{reqs};"
                     f"{fee};{rng.randint(0, 30)};https://layanan{i % 300}.mojokertokota.go.id;"
                     f"{thing.lower()} {place.lower()};"
                     f"Layanan {verb.lower()} {thing} untuk warga Kelurahan {place}, dikelola {opd}.")
    return ("\n".join(lines) + "\n").encode()


def census_csv(n: int, seed: int = 11) -> bytes:
    """A census of N apps as an OPD census form (deterministic)."""
    rng = random.Random(seed)
    kinds = ("Layanan Publik", "Administrasi Pemerintahan", "Website Profil")
    fields = ("Kesehatan", "Pendidikan", "Kemiskinan", "Pengaduan", "Perizinan", "Keuangan", "Kepegawaian")
    lines = [CENSUS_HEADER]
    for i in range(1, n + 1):
        lines.append(f"{i};Aplikasi {rng.choice(THINGS)} {i};{rng.choice(OPDS)};https://app{i}.kota.go.id;"
                     f"{rng.choice(kinds)};{rng.choice(('Masyarakat', 'Internal Pemerintah'))};{rng.choice(fields)};"
                     f"{rng.choice(('Aktif', 'Aktif', 'Tidak Aktif'))};")
    return ("\n".join(lines) + "\n").encode()


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
async def catalog_alone(prefix: str) -> AsyncIterator[tuple[str, Stack]]:
    """catalog-svc as its own process on free ports with its broker and database; yields its URL."""
    folder = scratch_folder(prefix)
    settings = DevstackSettings(PALAPA_DATA_DIR=folder, LOG_LEVEL="WARNING")
    stack = Stack(settings, durable=False, simulate=False, only=("catalog-svc",),
                  progress=lambda line: print("  " + line, flush=True))
    try:
        await stack.start()
        try:
            yield stack.running["catalog-svc"].url, stack
        except Exception:
            print(f"catalog-svc's log ends with:\n{tail(stack.running['catalog-svc'].log)}", flush=True)
            raise
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


def _percentiles(seconds: list[float]) -> str:
    ms = sorted(x * 1000 for x in seconds)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return f"p50={q[49]:.1f}ms p90={q[89]:.1f}ms p99={q[98]:.1f}ms max={ms[-1]:.1f}ms"


class Client:
    """One keep-alive HTTP/1.1 connection sending searches: a few lines of asyncio instead of httpx, whose
    ~5 ms of CPU per request would take the cores the service is measured on."""

    def __init__(self, url: str) -> None:
        self.host, self.port = url.removeprefix("http://").split(":")
        self.reader = self.writer = None

    async def search(self, q: str) -> None:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, int(self.port))
        self.writer.write(f"GET /directory/search?q={quote(q)} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = head[9:12]
        length = next(int(line.split(b":")[1]) for line in head.lower().split(b"\r\n")
                      if line.startswith(b"content-length:"))
        body = await self.reader.readexactly(length)
        if status != b"200" or b'"items":[]' in body:
            raise RuntimeError(f"search {q!r}: {head[:12]!r} {body[:200]!r}")

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


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
            await conn.search(QUERIES[i % len(QUERIES)])
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
            await conn.search(QUERIES[i % len(QUERIES)])
            done, i = done + 1, i + clients
        await conn.close()

    began = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    return done / (time.perf_counter() - began), done


async def run_search(args: argparse.Namespace) -> None:
    async with catalog_alone("palapa-bench-search-") as (url, stack):
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            body = services_csv(args.services)
            began = time.perf_counter()
            res = (await http.post("/directory/services", content=body, timeout=600)).json()
            print(f"catalog: {res['inserted']} services imported in {time.perf_counter() - began:.1f}s "
                  f"({len(body) / 2**20:.1f} MB, refused {len(res['refused'])}); 54 shipped ones besides", flush=True)
            warm = Client(url)
            for q in QUERIES:  # warm up: every query once
                await warm.search(q)
            await warm.close()
            lat = await steady(url, args.rate, args.seconds, args.clients)
            print(f"steady {args.rate:.0f} searches/s for {args.seconds:.0f}s, {args.clients} clients: "
                  f"{len(lat)} searches, {_percentiles(lat)} (load average {os.getloadavg()[0]:.1f} on "
                  f"{os.cpu_count()} cores)", flush=True)
            svc_pid = stack.running["catalog-svc"].proc.pid
            pg_pid = stack._postgres.proc.pid if stack._postgres and stack._postgres.proc else None
            svc, pg, me = cpu_total(svc_pid), cpu_total(pg_pid, children=True) if pg_pid else 0.0, _own_cpu()
            best, count = await flat_out(url, args.seconds / 2, args.clients)
            svc_cpu, me_cpu = cpu_total(svc_pid) - svc, _own_cpu() - me
            pg_cpu = cpu_total(pg_pid, children=True) - pg if pg_pid else float("nan")
            print(f"most searches/s of one catalog-svc process ({args.clients} closed-loop clients, "
                  f"{args.seconds / 2:.0f}s; the load generator shares the cores): {best:,.0f}/s; CPU per search: "
                  f"catalog-svc {svc_cpu / count * 1000:.2f} ms, PostgreSQL {pg_cpu / count * 1000:.2f} ms, "
                  f"this load generator {me_cpu / count * 1000:.2f} ms")


async def run_census(args: argparse.Namespace) -> None:
    async with catalog_alone("palapa-bench-census-") as (url, _), httpx.AsyncClient(base_url=url, timeout=600) as http:
        body = census_csv(args.rows)
        for label in ("import", "re-import"):
            began = time.perf_counter()
            res = (await http.post("/census", content=body)).json()
            took = time.perf_counter() - began
            print(f"census {label}: {args.rows} rows ({len(body) / 1024:.0f} KB) in {took:.2f}s "
                  f"({args.rows / took:,.0f} rows/s): read {res['read']}, inserted {res['inserted']}, "
                  f"updated {res['updated']}, refused {len(res['refused'])}", flush=True)


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

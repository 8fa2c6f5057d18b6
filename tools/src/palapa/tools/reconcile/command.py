"""`./palapa reconcile [--app APP]`: every bridged app's records compared with the platform's views.

Curhat Ning Ita: tb_pengaduan ↔ complaint-svc's case (the status the code means, its timeline) ↔ notify-svc's
latest revision. Si Makel and PSC 119: their APIs ↔ tracking-svc's tickets ↔ notify-svc. Cek PBB: the payments
table and the last export ↔ taxbill-svc's bills. Prints each difference with its reason; exits 1 on any, 0 when
there is none, 2 when an app asked for by --app (or every app) could not be read. By default it reads the platform
`./palapa up` runs (its fixed ports, DATABASE_URL and friends honoured); the flags point it anywhere else.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from pathlib import Path

from palapa.kit.db import async_url

from .compare import APPS, reconcile
from .difference import Comparison
from .sources import Sources


class UsageError(Exception):
    """Bad arguments: one line, no traceback."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print the usage and exit; one line is enough
        raise UsageError(message)


def parser() -> Parser:
    p = Parser(prog="palapa reconcile", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--app", choices=APPS, help="compare this app only (default: every bridged app)")
    p.add_argument("--database-url", help="the platform's database (default: ./palapa up's)")
    p.add_argument("--curhat-database-url", help="Curhat Ning Ita's legacy database")
    p.add_argument("--pbb-database-url", help="BPKPD's PBB database (payments table)")
    p.add_argument("--pbb-exports", type=Path, help="the folder BPKPD drops its exports in")
    p.add_argument("--kafka", help="the broker whose quarantine topic is read (host:port)")
    p.add_argument("--no-quarantine", action="store_true", help="do not read the quarantine topic")
    p.add_argument("--simakel-url", help="Si Makel's API")
    p.add_argument("--psc119-url", help="PSC 119's API")
    p.add_argument("--wait", type=float, default=10.0, help="seconds to let moves in flight settle (default 10)")
    return p


def sources_of(args: argparse.Namespace) -> Sources:
    base = Sources.of_up()
    urls = {"platform_db": args.database_url, "curhat_db": args.curhat_database_url, "pbb_db": args.pbb_database_url}
    try:
        given = {k: async_url(v) for k, v in urls.items() if v}
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if args.pbb_exports:
        given["pbb_exports"] = args.pbb_exports
    for name in ("kafka", "simakel_url", "psc119_url"):
        if getattr(args, name):
            given[name] = getattr(args, name)
    if args.no_quarantine:
        given["kafka"] = None
    return replace(base, **given)


def lines(result: list[Comparison]) -> list[str]:
    out = [f"reconcile: {c.summary()}" for c in result]
    out += [f"  {d.line()}" for c in result for d in c.differences]
    total = sum(len(c.differences) for c in result)
    compared = [c.app for c in result if not c.skipped]
    return out + [f"reconcile: {total} differences ({len(compared)} of {len(result)} apps compared)"]


def exit_code(result: list[Comparison], asked: str | None) -> int:
    if any(c.differences for c in result):
        return 1
    if all(c.skipped for c in result) or (asked and result[0].skipped):
        return 2
    return 0


async def run(args: argparse.Namespace) -> int:
    apps = (args.app,) if args.app else APPS
    result = await reconcile(sources_of(args), apps, args.wait)
    for line in lines(result):
        print(line, flush=True)
    return exit_code(result, args.app)


def main(argv: list[str] | None = None) -> None:
    try:
        args = parser().parse_args(argv)
        if args.wait < 0:
            raise UsageError("--wait must be 0 or more seconds")
        code = asyncio.run(run(args))
    except UsageError as exc:
        print(f"palapa reconcile: {exc} (./palapa reconcile --help)", file=sys.stderr)
        code = 2
    sys.exit(code)

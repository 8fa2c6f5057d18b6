"""`./palapa complaint api-key issue|revoke|list NAME`: Open311 clients' keys, straight in DATABASE_URL's schema.

The key is printed once and stored only as its digest; a lost key is revoked and a new one issued."""

from __future__ import annotations

import argparse
import asyncio
import sys

from palapa.kit.db import UNUSABLE, make_engine, sessions, shown
from palapa.kit.migrate import upgrade
from palapa.kit.settings import load

from . import tables
from .open311 import apikeys
from .settings import ComplaintSettings


async def _run(args: argparse.Namespace, url: str) -> int:
    engine = make_engine(url)
    try:
        await upgrade(engine, tables.metadata)
        async with sessions(engine)() as session, session.begin():
            if args.action == "issue":
                key = await apikeys.issue(session, args.name)
                print(f"Kunci API untuk {args.name!r} (simpan sekarang, tidak ditampilkan lagi):\n{key}")
            elif args.action == "revoke":
                n = await apikeys.revoke(session, args.name)
                print(f"{n} kunci milik {args.name!r} dicabut")
                return 0 if n else 1
            else:
                for name, created, revoked in await apikeys.listing(session):
                    state = f"dicabut {revoked:%Y-%m-%d}" if revoked else "aktif"
                    print(f"{name}\tdibuat {created:%Y-%m-%d %H:%M}\t{state}")
        return 0
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./palapa complaint")
    sub = parser.add_subparsers(dest="command", required=True)
    keys = sub.add_parser("api-key", help="Open311 API keys (DATABASE_URL)")
    keys.add_argument("action", choices=("issue", "revoke", "list"))
    keys.add_argument("name", nargs="?", help="the client's name, e.g. 'Aplikasi Lapor Warga'")
    args = parser.parse_args(argv)
    if args.action in ("issue", "revoke") and not (args.name and args.name.strip() and len(args.name) <= 200):
        parser.error("beri nama klien (1 sampai 200 karakter)")
    settings = load(ComplaintSettings, "complaint-svc")
    try:
        return asyncio.run(_run(args, settings.database_url))
    except UNUSABLE as exc:
        # the database is not there: one line saying which was tried and how to point at the right one
        why = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else '-'}"
        print(f"./palapa complaint: basis data {shown(settings.database_url)} tidak dapat dipakai ({why}); jalankan "
              "platform dengan ./palapa up di folder ini, atau tetapkan DATABASE_URL=postgresql://…/palapa",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""`./palapa catalog import FILE`: send a census file to the running catalog-svc's POST /census.

Through the API rather than straight into DATABASE_URL, so that an import takes the same path as any other
(one place checks the file and writes, and publishes the catalog's events). The import needs a catalog admin's
token (`--token`, or PALAPA_TOKEN): the history and the audit log name that account.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

#: the running `./palapa up`'s catalog-svc (the script passes it on from .data/platform.env), else its fixed port
DEFAULT_URL = os.environ.get("PALAPA_CATALOG_URL") or "http://127.0.0.1:8102"


def _content_type(path: Path) -> str:
    if path.suffix.lower() == ".xlsx":
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return "text/csv"


def import_census(path: Path, url: str, actor: str | None = None, reason: str | None = None,
                  token: str | None = None) -> int:
    """POST the file and print the answer; exit status 0 when every row was read, 1 with refused rows, 2 on error.

    `reason` goes into each changed entry's history (default "Impor sensus aplikasi"); the actor is the token's
    account (`actor`, when given, must be that account).
    """
    who = urllib.parse.urlencode({k: v for k, v in (("actor", actor), ("reason", reason)) if v})
    request = urllib.request.Request(f"{url.rstrip('/')}/census" + (f"?{who}" if who else ""), data=path.read_bytes(),
                                     method="POST",
                                     headers={"Content-Type": _content_type(path),
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as res:
            body = json.load(res)
    except urllib.error.HTTPError as exc:
        print(f"Sensus ditolak ({exc.code}): {exc.read().decode(errors='replace')}", file=sys.stderr)
        return 2
    except urllib.error.URLError as exc:
        print(f"catalog-svc tidak dapat dihubungi di {url}: {exc.reason}", file=sys.stderr)
        return 2
    print(f"{path}: {body['read']} aplikasi terbaca ({body['inserted']} baru, {body['updated']} diperbarui), "
          f"{len(body['refused'])} baris ditolak; " + (
              "XLSX" if body.get("format") == "xlsx" else f"{body['encoding']}, pemisah '{body['delimiter']}'"))
    for row in body["refused"]:
        print(f"  baris {row['line']}: {row['reason']}")
    return 1 if body["refused"] else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./palapa catalog")
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="import a census CSV or XLSX into the running catalog-svc")
    imp.add_argument("file", type=Path)
    imp.add_argument("--url", default=DEFAULT_URL, help=f"catalog-svc's address (default {DEFAULT_URL})")
    imp.add_argument("--actor", help="who imports: must be the token's account (it is the default)")
    imp.add_argument("--reason", help="why, kept in each changed entry's history")
    imp.add_argument("--token", default=os.environ.get("PALAPA_TOKEN"),
                     help="a catalog admin's bearer token (default: $PALAPA_TOKEN; under ./palapa up: "
                          "PALAPA_TOKEN=$(./palapa token catalog))")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        parser.error(f"berkas {args.file} tidak ada")
    return import_census(args.file, args.url, args.actor, args.reason, args.token)


if __name__ == "__main__":
    sys.exit(main())

"""`./palapa token [WHO]`: a seeded staff member's token from the running `./palapa up`'s own identity provider.

For commands and curl calls that write through a protected route on the local platform, e.g.
`PALAPA_TOKEN=$(./palapa token catalog) ./palapa catalog import services/catalog-svc/data/surabaya-census.csv`.
WHO is a key of palapa.localstack.STAFF (default `catalog`, the catalog admin). The issuer comes from OIDC_ISSUER,
which the script takes from .data/platform.env while the platform runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

import httpx

from palapa.localstack import STAFF
from palapa.testkit.identity import Identity, SignInError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./palapa token", description=__doc__.split("\n\n")[0])
    parser.add_argument("who", nargs="?", default="catalog", choices=sorted(STAFF), help="a seeded account's key")
    args = parser.parse_args(argv)
    issuer = os.environ.get("OIDC_ISSUER")
    if not issuer:
        print("palapa token: no platform running here: start it with ./palapa up (or set OIDC_ISSUER to the local "
              "identity provider's address)", file=sys.stderr)
        return 2
    try:
        print(asyncio.run(Identity(issuer.rstrip("/")).token(args.who)))
    except (httpx.HTTPError, SignInError) as exc:
        print(f"palapa token: the identity provider at {issuer} did not sign {args.who} in: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

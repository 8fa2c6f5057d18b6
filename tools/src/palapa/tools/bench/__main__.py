"""`./palapa bench NAME [options]` (`./palapa bench NAME --help` for one benchmark's options):

    ./palapa bench [latency] [--updates N]       ./palapa bench outbox [--rows N]
    ./palapa bench throughput [--rows N]         ./palapa bench psc-webhook [--webhooks N]
    ./palapa bench puskesmas [--calls N]         ./palapa bench bridge-lag --bridge cctv|simakel [--changes N]
    ./palapa bench pbb [--bills N]               ./palapa bench incident-sse [--incidents N] [--backlog N]
    ./palapa bench search                        ./palapa bench census-import [--rows N]
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return
    name, rest = (argv[0], argv[1:]) if argv and not argv[0].startswith("-") else ("latency", argv)
    if name == "outbox":
        from .outbox import main as bench
    elif name == "throughput":
        from .throughput import main as bench
    elif name == "psc-webhook":
        from .psc import main as bench
    elif name == "puskesmas":
        from .puskesmas import main as bench
    elif name == "bridge-lag":
        from .bridge_lag import main as bench
    elif name == "pbb":
        from .pbb import main as bench
    elif name == "incident-sse":
        from .incident import main as bench
    elif name == "search":
        from .search import main_search as bench
    elif name == "census-import":
        from .search import main_census as bench
    elif name == "latency":
        from .latency import main as bench
    else:
        sys.exit(f"palapa bench: unknown benchmark {name!r}\n{__doc__}")
    bench(rest)


main(sys.argv[1:])

"""`./palapa bench NAME [options]` (`./palapa bench NAME --help` for one benchmark's options):

    ./palapa bench latency [--updates N]         ./palapa bench outbox [--rows N]
    ./palapa bench throughput [--rows N]         ./palapa bench psc-webhook [--webhooks N]
    ./palapa bench puskesmas [--calls N]         ./palapa bench bridge-lag --bridge cctv|simakel [--changes N]
    ./palapa bench pbb [--bills N]               ./palapa bench incident-sse [--incidents N] [--backlog N]
    ./palapa bench search                        ./palapa bench census-import [--rows N]
    ./palapa bench sweep [--rows N] [--every S]     ./palapa bench gate [--rate R] [--seconds S]
    ./palapa bench sse [--streams N] [--updates N]   ./palapa bench notify [--minutes M] [--rate R]
    ./palapa bench listing-sweep [--requests N] [--every S]
    ./palapa bench citizen-sse [--citizens N] [--updates N]

Without a NAME it runs latency.
"""

from __future__ import annotations

import importlib
import sys

#: name → (module of this package, its entry point taking the remaining arguments)
BENCHMARKS: dict[str, tuple[str, str]] = {
    "latency": ("latency", "main"),
    "outbox": ("outbox", "main"),
    "throughput": ("throughput", "main"),
    "psc-webhook": ("psc", "main"),
    "puskesmas": ("puskesmas", "main"),
    "bridge-lag": ("bridge_lag", "main"),
    "pbb": ("pbb", "main"),
    "incident-sse": ("incident", "main"),
    "search": ("search", "main_search"),
    "census-import": ("search", "main_census"),
    "sweep": ("sweep", "main"),
    "listing-sweep": ("listing", "main"),
    "gate": ("gate", "main"),
    "sse": ("sse", "main"),
    "citizen-sse": ("citizen_sse", "main"),
    "notify": ("notify", "main"),
}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return
    name, rest = (argv[0], argv[1:]) if argv and not argv[0].startswith("-") else ("latency", argv)
    if name not in BENCHMARKS:
        sys.exit(f"palapa bench: unknown benchmark {name!r}; one of: {', '.join(BENCHMARKS)}\n{__doc__}")
    module, function = BENCHMARKS[name]
    # imported on demand: each benchmark pulls in only what it drives
    getattr(importlib.import_module(f"{__package__}.{module}"), function)(rest)

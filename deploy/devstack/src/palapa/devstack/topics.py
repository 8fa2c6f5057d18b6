"""`palapa-topics`: create the registry's topics on any broker (KAFKA_BOOTSTRAP_SERVERS or --bootstrap)."""

from __future__ import annotations

import argparse
import asyncio

from palapa.contracts.topics import ALL_TOPICS
from palapa.kit.topics import ensure_topics

from .settings import DevstackSettings


def main() -> None:
    parser = argparse.ArgumentParser(prog="palapa-topics", description=__doc__)
    parser.add_argument("--bootstrap", default=None)
    args = parser.parse_args()
    bootstrap = args.bootstrap or DevstackSettings().kafka_bootstrap_servers or "127.0.0.1:9092"
    created = asyncio.run(ensure_topics(bootstrap))
    for topic in ALL_TOPICS:
        state = "created" if topic.name in created else "exists"
        print(f"{topic.name:<36} partitions={topic.partitions} key={topic.key:<22} {state}")


if __name__ == "__main__":
    main()

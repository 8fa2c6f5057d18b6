"""Create the registry's topics on any broker (idempotent): the only code that creates topics.

`palapa-topics` (`main`, docker-compose's `topics` step, `./palapa topics`) does it from the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError

from palapa.contracts.topics import ALL_TOPICS, Topic

from .kafka import client_security
from .loops import Backoff, Outage
from .settings import PlatformSettings, load

log = logging.getLogger(__name__)


def creation_options(settings: PlatformSettings) -> dict[str, Any]:
    """ensure_topics' keyword arguments from a program's settings: its broker user and the topics' replication."""
    return {"security": client_security(settings), "replication": settings.topic_replication}


async def ensure_topics(
    bootstrap: str, topics: tuple[Topic, ...] = ALL_TOPICS, *, timeout_s: float = 60,
    security: dict[str, Any] | None = None, replication: tuple[int, int] | None = None,
) -> list[str]:
    """Create every missing topic; returns the names created. Waits for the broker up to timeout_s.
    `security`: aiokafka's SASL arguments (kafka.client_security); `replication`: (replication factor,
    min.insync.replicas) instead of each topic's own."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    backoff, outage = Backoff(first=0.2, cap=2.0), Outage(f"broker {bootstrap}", log)
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap.split(","), request_timeout_ms=10000,
                                    **(security or {}))
        try:
            await admin.start()
            break
        except KafkaConnectionError as exc:
            await admin.close()
            if asyncio.get_running_loop().time() > deadline:
                raise
            outage.failed(exc)
            await asyncio.sleep(backoff.next())
    outage.recovered()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t.name not in existing]
        created = []
        for topic in missing:
            factor, config = topic.replication_factor, dict(topic.config)
            if replication:
                factor, config["min.insync.replicas"] = replication[0], str(replication[1])
            try:
                await admin.create_topics([NewTopic(topic.name, topic.partitions, factor, topic_configs=config)])
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass
        return created
    finally:
        await admin.close()


class TopicsSettings(PlatformSettings):
    """What the topics step reads: the broker, its user and the topics' replication (no database)."""


def main(argv: list[str] | None = None) -> None:
    """`palapa-topics [--bootstrap H:P]`: the registry's topics on KAFKA_BOOTSTRAP_SERVERS (or --bootstrap)."""
    parser = argparse.ArgumentParser(
        prog="palapa-topics", description="Create the registry's topics on any broker (KAFKA_BOOTSTRAP_SERVERS or "
        "--bootstrap); existing ones are left as they are.")
    parser.add_argument("--bootstrap", default=None)
    args = parser.parse_args(argv)
    settings = load(TopicsSettings, "palapa-topics")
    bootstrap = args.bootstrap or settings.kafka_bootstrap_servers
    created = asyncio.run(ensure_topics(bootstrap, **creation_options(settings)))
    factor, in_sync = settings.topic_replication
    for topic in ALL_TOPICS:
        state = f"created (replicas={factor}, min.insync={in_sync})" if topic.name in created else "exists"
        print(f"{topic.name:<36} partitions={topic.partitions} key={topic.key:<22} {state}")


if __name__ == "__main__":
    main()

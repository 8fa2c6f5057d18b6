"""Create the registry's topics on any broker (idempotent): the only code that creates topics.

`palapa-topics` (`main`, docker-compose's `topics` step, `./palapa topics`) does it from the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError
from pydantic_settings import BaseSettings, SettingsConfigDict

from palapa.contracts.topics import ALL_TOPICS, Topic

from .loops import Backoff, Outage
from .settings import shared

log = logging.getLogger(__name__)


async def ensure_topics(
    bootstrap: str, topics: tuple[Topic, ...] = ALL_TOPICS, *, timeout_s: float = 60
) -> list[str]:
    """Create every missing topic; returns the names created. Waits for the broker up to timeout_s."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    backoff, outage = Backoff(first=0.2, cap=2.0), Outage(f"broker {bootstrap}", log)
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap.split(","), request_timeout_ms=10000)
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
            try:
                await admin.create_topics(
                    [NewTopic(topic.name, topic.partitions, topic.replication_factor, topic_configs=topic.config)]
                )
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass
        return created
    finally:
        await admin.close()


class TopicsSettings(BaseSettings):
    """What the topics step reads: the broker only."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    kafka_bootstrap_servers: str = shared("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")


def main(argv: list[str] | None = None) -> None:
    """`palapa-topics [--bootstrap H:P]`: the registry's topics on KAFKA_BOOTSTRAP_SERVERS (or --bootstrap)."""
    parser = argparse.ArgumentParser(
        prog="palapa-topics", description="Create the registry's topics on any broker (KAFKA_BOOTSTRAP_SERVERS or "
        "--bootstrap); existing ones are left as they are.")
    parser.add_argument("--bootstrap", default=None)
    args = parser.parse_args(argv)
    bootstrap = args.bootstrap or TopicsSettings().kafka_bootstrap_servers
    try:
        created = asyncio.run(ensure_topics(bootstrap))
    except KafkaError as exc:  # no broker there: one line, not a traceback
        sys.exit(f"palapa-topics: no broker answers at {bootstrap} ({exc}); start the platform with ./palapa up "
                 "in this folder, or name one with KAFKA_BOOTSTRAP_SERVERS=host:port or --bootstrap host:port")
    for topic in ALL_TOPICS:
        state = "created" if topic.name in created else "exists"
        print(f"{topic.name:<36} partitions={topic.partitions} key={topic.key:<22} {state}")


if __name__ == "__main__":
    main()

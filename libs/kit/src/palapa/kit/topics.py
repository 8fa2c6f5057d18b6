"""Create the registry's topics on any broker (idempotent): the only code that creates topics."""

from __future__ import annotations

import asyncio
import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError

from palapa.contracts.topics import ALL_TOPICS, Topic

from .loops import Backoff, Outage

log = logging.getLogger(__name__)


async def ensure_topics(bootstrap: str, topics: tuple[Topic, ...] = ALL_TOPICS, *, timeout_s: float = 60) -> list[str]:
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

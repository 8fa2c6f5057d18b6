"""The dead-letter topic's end as the broker's ListOffsets answers it (thin adapter: one short-lived client)."""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, TopicPartition

from palapa.kit.kafka import client_security
from palapa.kit.settings import ServiceSettings

log = logging.getLogger(__name__)


async def listed_end(settings: ServiceSettings, topic: str, partitions: int) -> int | None:
    """The sum over the topic's partitions of ListOffsets(latest); None when the broker does not answer in 5 s."""
    client = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers.split(","), enable_auto_commit=False,
                              request_timeout_ms=5000, **client_security(settings))
    try:
        await asyncio.wait_for(client.start(), 5)
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        return sum((await asyncio.wait_for(client.end_offsets(tps), 5)).values())
    except Exception as exc:  # the page shows the other figures and says this one is missing
        log.warning("ListOffsets of %s unanswered: %s", topic, exc)
        return None
    finally:
        await client.stop()

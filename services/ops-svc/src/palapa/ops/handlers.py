"""What ops-svc consumes: every EventDeadLettered of the platform, kept once each."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import EventDeadLettered
from palapa.contracts.topics import DEAD_LETTERS
from palapa.kit.consumer import Delivery
from palapa.kit.runtime import Runtime

from . import domain, store


def row_of(event: EventDeadLettered) -> dict:
    """The letters row of an announcement: the record as it was sent, and whether it is whole."""
    return {
        "fingerprint": domain.fingerprint(event.consumer, event.topic, event.partition, event.offset, event.value),
        "consumer": event.consumer, "topic": event.topic, "partition": event.partition, "offset": event.offset,
        "key": None if event.key is None else event.key.encode("utf-8"), "headers": dict(event.headers),
        "value": event.value.encode("utf-8"), "value_size": event.value_size,
        "whole": domain.is_whole(event.value, event.value_size, event.truncated), "reason": event.reason,
        "at": event.at, "state": domain.State.WAITING.value,
    }


async def on_dead_lettered(session: AsyncSession, deliveries: Sequence[Delivery]) -> list[None]:
    """Store each dead letter (a repeat of one already kept changes nothing)."""
    await store.keep(session, [row_of(d.envelope.data) for d in deliveries])
    return [None] * len(deliveries)


def register(runtime: Runtime) -> None:
    runtime.subscribe(DEAD_LETTERS, on_dead_lettered)

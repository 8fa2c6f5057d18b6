"""A stuck consumer is named after 30 s of no progress with work waiting, counted on the runtime's own sampling
of a real consumer; the clock is the test's, so nothing depends on how fast the host is."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged
from palapa.contracts.topics import ALL_TOPICS, COMPLAINT_INTAKE
from palapa.kit.consumer import each
from palapa.kit.health import STUCK_AFTER_SECONDS
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def _event(n: int, note: str) -> Envelope:
    return Envelope(ComplaintStatusChanged(ticket=f"T-{n}", source_app="test", source_ref=str(n), status="verified",
                                           changed_at=datetime.now(UTC), note=note),
                    source="/apps/test", subject="T-STUCK")


@pytest.fixture
async def hanging(kafka_bootstrap, database_url):
    """A runtime whose consumer hangs on a record noted 'hang' until `release` is set."""
    runtime = Runtime(
        ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu"),
        "stuck", MetaData(schema="stuck"),
    )
    runtime.progress.clock = runtime.clock = Clock()
    runtime.release, runtime.hung, runtime.applied = asyncio.Event(), asyncio.Event(), []

    async def effect(session, envelope):
        if envelope.data.note == "hang":
            runtime.hung.set()
            await runtime.release.wait()
        runtime.applied.append(envelope.data.note)

    runtime.subscribe(COMPLAINT_INTAKE, each(effect))
    await runtime.start(ALL_TOPICS)
    yield runtime
    runtime.release.set()
    await runtime.stop()


def _partition(runtime, predicate):
    """The (partition, standing) of the intake topic that `predicate` accepts, or None."""
    for partition in range(8):
        s = runtime.progress.standing(COMPLAINT_INTAKE.name, partition)
        if s is not None and predicate(s):
            return partition, s
    return None


async def test_a_long_idle_consumer_is_named_stuck_30_s_after_work_waits_not_at_once(hanging, producer):
    await producer.send(_event(1, "first"))
    await eventually(lambda: _partition(hanging, lambda s: s.position >= 1 and s.waiting_since is None),
                     what="the consumer at the end, idle")
    hanging.clock.now += 3600  # idle for an hour: the old rule counted from the last move, so stuck at once

    await producer.send(_event(2, "hang"))
    await asyncio.wait_for(hanging.hung.wait(), timeout=30)
    await producer.send(_event(3, "behind"))
    partition, _ = await eventually(lambda: _partition(hanging, lambda s: s.end >= s.position + 2),
                                    what="the sampler seeing two records waiting")
    assert (await hanging.ready())["consumers"] == "ok"

    hanging.clock.now += STUCK_AFTER_SECONDS - 0.5
    assert (await hanging.ready())["consumers"] == "ok"
    hanging.clock.now += 0.5
    consumers = (await hanging.ready())["consumers"]
    assert consumers.startswith(f"stuck: {COMPLAINT_INTAKE.name}[{partition}] at offset 1, 2 behind, unmoved for 30 s")

    hanging.release.set()
    await eventually(lambda: hanging.applied == ["first", "hang", "behind"], what="the rest applied")
    await eventually(lambda: _ok(hanging), what="no longer stuck once it moves")


async def _ok(runtime) -> bool:
    return (await runtime.ready())["consumers"] == "ok"

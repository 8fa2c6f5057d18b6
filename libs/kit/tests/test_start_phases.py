"""A process's start: its steps timed for its log, and a consumer that joined its group while the schema was still
being migrated applies nothing until it is."""

import asyncio
from types import SimpleNamespace

from palapa.kit.batches import Batches
from palapa.kit.deadletter import Incoming
from palapa.kit.health import ConsumerProgress
from palapa.kit.metrics import Metrics
from palapa.kit.phases import Phases


def test_each_step_is_timed_in_order_with_what_ran_before_the_first():
    phases = Phases()
    with phases.step("migrations"):
        sum(range(10_000))
    with phases.step("on start"):
        pass
    names = [name for name, _, _ in phases.steps]
    assert names[0] == "app and server" and names[1] == "migrations" and names[-1] == "on start"
    assert all(wall >= 0 and cpu >= 0 for _, wall, cpu in phases.steps)
    line = phases.line()
    assert line.startswith("start-up ") and "migrations " in line and " s CPU)" in line


async def test_a_batch_waits_for_the_schema_before_it_is_applied():
    applied: list[int] = []

    class Applying:
        name = "test-svc"

        async def handle(self, records):
            applied.extend(r.offset for r in records)
            return []

    metrics = Metrics("test-svc")
    schema_ready = asyncio.Event()
    batches = Batches(Applying(), "t", metrics, ConsumerProgress(metrics), schema_ready)
    committed = []
    batches.commit = lambda kafka, records: _note(committed, records)
    record = Incoming("t", 0, 7, None, b"{}", ())
    on_batch = batches.handler(lambda: None)
    pending = asyncio.create_task(on_batch(SimpleNamespace(raw_message=[_Raw(record)])))
    await asyncio.sleep(0.05)
    assert applied == [] and not pending.done()  # joined, records fetched: held until migrated
    schema_ready.set()
    await asyncio.wait_for(pending, timeout=30)
    assert applied == [7] and committed == [7]


async def _note(into: list, records) -> None:
    into.extend(r.offset for r in records)


class _Raw:
    """An aiokafka ConsumerRecord's fields, as Incoming.of reads them."""

    def __init__(self, record: Incoming) -> None:
        self.topic, self.partition, self.offset = record.topic, record.partition, record.offset
        self.key, self.value, self.headers = record.key, record.value, list(record.headers)

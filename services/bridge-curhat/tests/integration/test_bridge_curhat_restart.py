"""A restart of the bridge in the middle of a stream of legacy changes neither skips nor re-emits one."""

import asyncio
import random
from collections import defaultdict

import pytest
from sqlalchemy import select

from palapa.bridge_curhat.translate import canonical_status
from palapa.contracts.topics import COMPLAINT_INTAKE
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

NEXT = {"0": "1", "1": "proses", "proses": "3"}


class Writer:
    """Keeps writing like the legacy app: new complaints and status moves, many within one second."""

    def __init__(self, legacy) -> None:
        self.legacy = legacy
        self.done = 0
        self.status: dict[int, str] = {}
        self.rng = random.Random(5)

    async def run(self, ops: int) -> None:
        for _ in range(ops):
            open_ids = [i for i, s in self.status.items() if s in NEXT]
            if not open_ids or self.rng.random() < 0.4:
                new = await self.legacy.insert(status="0")
                self.status[new] = "0"
            else:
                i = self.rng.choice(open_ids)
                await self.legacy.update(i, status=NEXT[self.status[i]])
                self.status[i] = NEXT[self.status[i]]
            self.done += 1
            await asyncio.sleep(0.01)  # pacing of the writer, not a wait for an outcome


async def test_a_restart_mid_stream_neither_skips_nor_re_emits_a_change(legacy, make_bridge, topic_reader):
    writer = Writer(legacy)
    first = await make_bridge(legacy.url, batch_size=3)
    writing = asyncio.create_task(writer.run(60))
    await eventually(lambda: first.poller.stats.events_emitted >= 5, what="the first bridge at work")
    await first.stop()  # while the writer may still be writing
    await writing
    stopped_at = writer.done
    await writer.run(20)  # changes written while the bridge is down
    writing = asyncio.create_task(writer.run(40))  # and while the second one starts
    second = await make_bridge(legacy.url, batch_size=3)
    await writing
    assert writer.done == 120 and stopped_at == 60

    def history() -> dict[str, list[tuple[str, str]]]:
        """Per ticket, the distinct events in order (a relay may publish one event twice: same id)."""
        seen, ids = defaultdict(list), set()
        for r in topic_reader.of(COMPLAINT_INTAKE):
            if r.envelope.id not in ids:
                ids.add(r.envelope.id)
                seen[r.key].append((r.headers["ce_type"].split(".")[2], r.envelope.data.status))
        return seen

    final = {f"CURHAT-{i}": canonical_status(s).value for i, s in writer.status.items()}
    await eventually(lambda: {k: v[-1][1] for k, v in history().items()} == final, timeout=30,
                     what="every complaint at its final legacy status")
    for ticket, events in history().items():
        kinds = [k for k, _ in events]
        statuses = [s for _, s in events]
        assert kinds[0] == "submitted" and kinds.count("submitted") == 1, (ticket, events)
        assert all(a != b for a, b in zip(statuses, statuses[1:], strict=False)), (
            f"{ticket} re-emitted a status: {events}"
        )
    # the bridge staged each change once, and every staged event reached the broker
    outbox = second.runtime.outbox.table
    async with second.runtime.sessions() as s:
        staged = set(
            (await s.execute(select(outbox.c.event_id).where(outbox.c.topic == COMPLAINT_INTAKE.name))).scalars()
        )
    assert staged == {r.envelope.id for r in topic_reader.of(COMPLAINT_INTAKE)}
    assert len(staged) == sum(len(v) for v in history().values())

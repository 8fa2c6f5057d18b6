"""The simulator at full quirk (webhooks twice, late, lost; broken incidents; a skewed clock): every incident
ends with exactly the events of its path, once each and in order; broken ones are in quarantine."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from palapa.bridge_psc119 import legacy, translate
from palapa.contracts.topics import BRIDGE_QUARANTINE, EMERGENCY_INCIDENTS
from palapa.kit.clock import zone
from palapa.testkit import eventually

pytestmark = pytest.mark.integration
WIB = zone("Asia/Jakarta")
EVENT_OF = {translate.Stage.REPORTED: "incident_reported", translate.Stage.DISPATCHED: "ambulance_dispatched",
            translate.Stage.HANDED_OVER: "patient_handed_over", translate.Stage.CLOSED: "incident_closed"}


def expected(path: list[str]) -> list[str]:
    """The events an incident that went through these codes must have produced."""
    stages = [translate.stage_of(c) for c in path]
    out = ["incident_reported"]
    for stage in translate.ORDER[1:translate.ORDER.index(stages[-1]) + 1]:
        if stage in stages and stage in EVENT_OF:
            out.append(EVENT_OF[stage])
    return out


async def test_duplicated_reordered_and_lost_webhooks_and_broken_rows_are_absorbed(make_sim, make_bridge, topic_reader):
    sim = await make_sim(duplicate_ratio=0.3, out_of_order_ratio=0.3, lost_ratio=0.2, broken_ratio=0.1, seed=119)
    paths: dict[int, list[str]] = {}
    async with make_bridge(fallback_poll_interval_seconds=0.5):
        for _ in range(25):
            key = await sim.report()
            paths[key] = ["1"]
        for _ in range(4):  # every open incident moves, a few times
            for key in paths:
                item = sim.legacy.store.items[key][1]
                if (code := sim.legacy.generator.next_status(str(item["kode_status"]))) is not None:
                    await sim.move(key, code)
                    paths[key].append(code)
            await asyncio.sleep(0)
        limits = translate.within(datetime.now(UTC), timedelta(hours=1))
        want = {}
        for key, path in paths.items():
            inc = legacy.read_item(sim.legacy.store.items[key][1])
            if not isinstance(inc, legacy.Unreadable) and not isinstance(
                    translate.translate(inc, None, WIB, limits), translate.Quarantine):
                want[f"PSC119-{inc.id_insiden}"] = expected(path)

        def seen() -> dict[str, list[str]]:
            out: dict[str, list[str]] = {}
            for r in topic_reader.of(EMERGENCY_INCIDENTS):
                out.setdefault(r.key, []).append(r.headers["ce_type"].split(".")[2])
            return out

        await eventually(lambda: all(seen().get(t) == w for t, w in want.items()), timeout=30,
                         what="every incident's events, exactly once each, in order")
        broken = len(paths) - len(want)
        if broken:
            await eventually(lambda: len({r.key for r in topic_reader.of(BRIDGE_QUARANTINE)}) >= broken,
                             what="the broken incidents in quarantine")
    assert set(seen()) == set(want)
    assert sim.legacy.pusher.duplicated and sim.legacy.pusher.reordered and sim.legacy.pusher.lost

"""The position (the API's cursor token) survives a restart: the bridge resumes after the last page it committed,
nothing twice."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from palapa.bridge_psc119 import tables
from palapa.contracts.topics import EMERGENCY_INCIDENTS
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


async def test_a_restarted_bridge_resumes_at_its_position_without_emitting_twice(make_sim, make_bridge, topic_reader):
    sim = await make_sim(webhook_url=None)
    keys = [await sim.report() for _ in range(5)]
    async with make_bridge(webhook_secret=None, api_page_size=2) as bridge:
        await eventually(lambda: len(topic_reader.of(EMERGENCY_INCIDENTS)) == 5, what="five incidents, 2 per page")
        async with bridge.runtime.sessions() as s:
            token = (await s.execute(select(tables.checkpoint.c.position_token))).scalar_one()
        assert token == sim.legacy.store.page(None, 5)["berikutnya"]
    await sim.move(keys[0], "2")
    later = await sim.report()
    async with make_bridge(webhook_secret=None, api_page_size=2):
        await eventually(lambda: len(topic_reader.of(EMERGENCY_INCIDENTS)) == 7, what="the two changes made while down")
        canary = await sim.report()
        await eventually(lambda: any(r.key == f"PSC119-{canary}" for r in topic_reader.of(EMERGENCY_INCIDENTS)),
                         what="a canary after them")
    keys_seen = [r.key for r in topic_reader.of(EMERGENCY_INCIDENTS)]
    assert sorted(keys_seen) == sorted([f"PSC119-{k}" for k in [*keys, keys[0], later, canary]])

"""The sweep inside bridge-psc119: the app's change log read whole, compared with what the bridge last handled. A
version changed in place (its `diperbarui` not moving) is found, counted and put right; an incident gone from the
log is counted, and announces nothing (PSC 119 never deletes an incident: there is no event for it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from palapa.contracts.topics import EMERGENCY_INCIDENTS
from palapa.testkit import eventually

pytestmark = pytest.mark.integration
REPORTED, DISPATCHED = "palapa.emergency.incident_reported.v1", "palapa.emergency.ambulance_dispatched.v1"


def types_of(reader, ticket: str) -> list[str]:
    return [r.headers["ce_type"] for r in reader.of(EMERGENCY_INCIDENTS) if r.key == ticket]


async def mismatches(bridge) -> float:
    body = (await bridge.http.get("/metrics")).text
    return next(s.value for f in text_string_to_metric_families(body) for s in f.samples
                if s.name == "palapa_bridge_legacy_mismatches")


async def test_a_version_changed_in_place_and_an_incident_gone_from_the_log_are_found_counted_and_put_right(
        make_sim, make_bridge, topic_reader):
    sim = await make_sim(webhook_url=None)
    store = sim.legacy.store
    hour_ago = (sim.legacy.now() - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    corrected, gone = await sim.report(), await sim.report()
    for key in (corrected, gone):  # versions older than the sweep's settling time: the sweep compares them
        seq, item = store.items[key]
        store.items[key] = (seq, item | {"kode_status": "2", "unit_ambulans": "AMB-05", "diperbarui": hour_ago})
    async with make_bridge(sweep_seconds=0) as bridge:  # passes run when the test says
        await eventually(lambda: all(types_of(topic_reader, f"PSC119-{k}") == [REPORTED, DISPATCHED]
                                     for k in (corrected, gone)), what="both incidents dispatched")
        sweep = bridge.app.state.feeds["psc-119"].sweep
        clean = await sweep.run_once()
        assert (clean.rows, clean.mismatches) == (2, 0)

        # a DBA sets the incident back to 'reported' in place: no new log entry, the same diperbarui second
        seq, item = store.items[corrected]
        store.items[corrected] = (seq, item | {"kode_status": "1"})
        del store.items[gone]
        found = await sweep.run_once()
        assert (found.changed, found.deleted) == (1, 1)
        assert await mismatches(bridge) == 2
        await eventually(lambda: types_of(topic_reader, f"PSC119-{corrected}")[-1:] == [REPORTED],
                         what="the incident shown reported again")
        assert types_of(topic_reader, f"PSC119-{gone}") == [REPORTED, DISPATCHED]  # nothing announced

        again = await sweep.run_once()  # put right: the next pass finds nothing and announces nothing twice
        assert again.mismatches == 0 and await mismatches(bridge) == 0
        assert types_of(topic_reader, f"PSC119-{corrected}") == [REPORTED, DISPATCHED, REPORTED]

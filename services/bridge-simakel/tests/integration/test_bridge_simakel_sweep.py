"""The sweep inside bridge-simakel: what the poll by tgl_update cannot see (a request deleted from Si Makel, a status
changed without tgl_update moving) is found, counted as legacy mismatches and put right."""

from dataclasses import replace

import pytest
from prometheus_client.parser import text_string_to_metric_families

from palapa.contracts.topics import SERVICE_REQUESTS
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


def statuses(topic_reader, ticket: str) -> list[str]:
    return [r.envelope.data.status.value for r in topic_reader.of(SERVICE_REQUESTS) if r.key == ticket]


async def mismatches(bridge) -> float:
    body = (await bridge.svc.http.get("/metrics")).text
    return next(s.value for f in text_string_to_metric_families(body) for s in f.samples
                if s.name == "palapa_bridge_legacy_mismatches")


async def test_a_silent_status_change_and_a_deleted_request_are_found_counted_and_put_right(
    simakel, make_bridge, topic_reader
):
    kept, silent, deleted = (simakel.submit().id for _ in range(3))
    bridge = await make_bridge(simakel.url, sweep_seconds=0)  # passes run when the test says
    await eventually(lambda: len(topic_reader.of(SERVICE_REQUESTS)) == 3, what="three requests")
    sweep = bridge.svc.app.state.feeds["si-makel"].sweep

    clean = await sweep.run_once()
    assert (clean.rows, clean.mismatches) == (3, 0)

    # a DBA's fix: the status column changed, tgl_update did not; and a request deleted outright
    simakel.requests[silent] = replace(simakel.requests[silent], status="2")
    del simakel.requests[deleted]
    found = await sweep.run_once()
    assert (found.changed, found.deleted) == (1, 1)
    assert await mismatches(bridge) == 2
    await eventually(lambda: statuses(topic_reader, f"SIMAKEL-{silent}")[-1] == "in_progress", what="corrected")
    await eventually(lambda: len(statuses(topic_reader, f"SIMAKEL-{deleted}")) == 2, what="the withdrawal")
    [gone] = [r.envelope.data for r in topic_reader.of(SERVICE_REQUESTS) if r.key == f"SIMAKEL-{deleted}"][-1:]
    assert gone.status.value == "rejected" and "Si Makel" in gone.note
    assert statuses(topic_reader, f"SIMAKEL-{kept}") == ["submitted"]

    again = await sweep.run_once()  # put right: the next pass finds nothing, and announces nothing twice
    assert again.mismatches == 0 and await mismatches(bridge) == 0
    assert len(statuses(topic_reader, f"SIMAKEL-{deleted}")) == 2


async def test_a_request_newer_than_the_poll_is_left_to_the_poll_and_a_refused_page_proves_nothing_gone(
    simakel, make_bridge, topic_reader
):
    first = simakel.submit().id
    bridge = await make_bridge(simakel.url, sweep_seconds=0)
    await eventually(lambda: len(topic_reader.of(SERVICE_REQUESTS)) == 1, what="the request")
    sweep = bridge.svc.app.state.feeds["si-makel"].sweep
    simakel.raw_page = b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"
    del simakel.requests[first]
    refused = await sweep.run_once()
    assert (refused.rows, refused.mismatches) == (0, 0)
    assert statuses(topic_reader, f"SIMAKEL-{first}") == ["submitted"]

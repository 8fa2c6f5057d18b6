"""Requests flow from Si Makel's XML API to palapa.service_requests.v1; only changes; no personal data out."""

import logging
import random
from collections import defaultdict
from pathlib import Path

import pytest

from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, SERVICE_REQUESTS
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

PAGES = Path(__file__).parents[1] / "unit" / "pages"
NEXT = {"0": "1", "1": "2", "2": "3", "3": "4"}


def history(topic_reader) -> dict[str, list[str]]:
    seen, ids = defaultdict(list), set()
    for r in topic_reader.of(SERVICE_REQUESTS):
        if r.envelope.id not in ids:
            ids.add(r.envelope.id)
            seen[r.key].append(r.envelope.data.status.value)
    return seen


async def test_requests_flow_through_their_statuses_across_pages_and_only_changes_are_emitted(
    simakel, make_bridge, topic_reader, caplog
):
    caplog.set_level(logging.INFO)
    simakel.quirk_ratio = 0.5  # encodings, entities, blanks, duplicates, shouting: absorbed
    ids = [simakel.submit().id for _ in range(25)]
    bridge = await make_bridge(simakel.url, page_size=7)
    await eventually(lambda: len(history(topic_reader)) + bridge.stats.rows_quarantined >= 25, what="25 requests")
    rng = random.Random(3)
    for _ in range(40):
        rid = rng.choice(ids)
        if simakel.requests[rid].status in NEXT:
            simakel.move(rid, NEXT[simakel.requests[rid].status])
    final = {f"SIMAKEL-{i}": r.status for i, r in simakel.requests.items()}
    quarantined = {f"SIMAKEL-{r.envelope.data.source_id}" for r in topic_reader.of(BRIDGE_QUARANTINE)}
    codes = {"0": "submitted", "1": "verified", "2": "in_progress", "3": "ready", "4": "completed"}

    def settled() -> bool:
        quarantined.update(f"SIMAKEL-{r.envelope.data.source_id}" for r in topic_reader.of(BRIDGE_QUARANTINE))
        seen = history(topic_reader)
        return all(t in quarantined or (seen.get(t) or [None])[-1] == codes[s] for t, s in final.items())

    await eventually(settled, timeout=30, what="every request at its legacy status")
    polls = bridge.stats.polls
    await eventually(lambda: bridge.stats.polls >= polls + 5, what="five more polls")
    for ticket, statuses in history(topic_reader).items():
        assert all(a != b for a, b in zip(statuses, statuses[1:], strict=False)), f"{ticket} repeated: {statuses}"
    kinds = [r.headers["ce_type"] for r in topic_reader.of(SERVICE_REQUESTS)]
    assert kinds.count("palapa.service_request.submitted.v1") == len(history(topic_reader))
    # only the unknown-status quirk may be quarantined; the applicant's data is in no event and no log line
    assert all(r.envelope.data.reason.startswith("unknown_status") for r in topic_reader.of(BRIDGE_QUARANTINE))
    personal = [v for r in simakel.requests.values() for v in (r.nik, r.telepon, r.nama)]
    out = " ".join(r.envelope.data.model_dump_json() for t in (SERVICE_REQUESTS, BRIDGE_QUARANTINE)
                   for r in topic_reader.of(t)) + caplog.text
    assert not [p for p in personal if p in out]
    beats = [r.envelope.data for r in topic_reader.of(BRIDGE_HEARTBEATS)]
    assert beats[0].app_id == "si-makel" and beats[0].opd == "BAGPEM"


async def test_a_billion_laughs_page_is_quarantined_once_and_the_stream_resumes_when_fixed(
    simakel, make_bridge, topic_reader
):
    simakel.raw_page = (PAGES / "billion_laughs.xml").read_bytes()
    bridge = await make_bridge(simakel.url)
    await eventually(lambda: len(topic_reader.of(BRIDGE_QUARANTINE)) == 1, what="the refused page quarantined")
    [q] = topic_reader.of(BRIDGE_QUARANTINE)
    assert q.envelope.data.reason.startswith("xml_forbidden: DTDForbidden")
    polls = bridge.stats.polls
    await eventually(lambda: bridge.stats.polls >= polls + 5, what="five more polls of the same page")
    assert len(topic_reader.of(BRIDGE_QUARANTINE)) == 1
    simakel.raw_page = None
    rid = simakel.submit().id
    await eventually(lambda: [r.key for r in topic_reader.of(SERVICE_REQUESTS)] == [f"SIMAKEL-{rid}"],
                     what="the request after the page is fixed")


async def test_an_unknown_status_is_quarantined_and_a_later_known_one_flows(simakel, make_bridge, topic_reader):
    rid = simakel.submit().id
    bridge = await make_bridge(simakel.url)
    await eventually(lambda: len(topic_reader.of(SERVICE_REQUESTS)) == 1, what="the submission")
    simakel.move(rid, "7")
    await eventually(lambda: len(topic_reader.of(BRIDGE_QUARANTINE)) == 1, what="status 7 quarantined")
    assert topic_reader.of(BRIDGE_QUARANTINE)[0].envelope.data.reason.startswith("unknown_status: kode_status '7'")
    simakel.move(rid, "3")
    await eventually(lambda: history(topic_reader)[f"SIMAKEL-{rid}"] == ["submitted", "ready"], what="ready")
    assert bridge.stats.rows_quarantined == 1


async def test_a_write_stamped_minutes_behind_the_high_water_is_still_read(simakel, make_bridge, topic_reader):
    from datetime import timedelta

    first = simakel.submit().id
    await make_bridge(simakel.url)
    await eventually(lambda: len(topic_reader.of(SERVICE_REQUESTS)) == 1, what="the first request")
    late = simakel.submit()
    simakel.requests[late.id] = type(late)(**{**late.__dict__, "tgl_update": late.tgl_update - timedelta(minutes=4)})
    await eventually(lambda: {r.key for r in topic_reader.of(SERVICE_REQUESTS)} == {f"SIMAKEL-{first}",
                                                                                    f"SIMAKEL-{late.id}"},
                     what="the request a slow PC clock stamped in the past")


async def test_a_restart_resumes_at_its_position_without_re_emitting(simakel, make_bridge, topic_reader):
    ids = [simakel.submit().id for _ in range(5)]
    first = await make_bridge(simakel.url, page_size=2)
    await eventually(lambda: len(topic_reader.of(SERVICE_REQUESTS)) == 5, what="five submissions")
    await first.stop()
    simakel.move(ids[0], "1")
    simakel.move(ids[1], "9")
    new = simakel.submit().id
    second = await make_bridge(simakel.url, page_size=2)
    await eventually(lambda: len(topic_reader.of(SERVICE_REQUESTS)) == 8, what="the changes made while down")
    polls = second.stats.polls
    await eventually(lambda: second.stats.polls >= polls + 5, what="five more polls")
    seen = history(topic_reader)
    assert len(topic_reader.of(SERVICE_REQUESTS)) == 8
    assert (seen[f"SIMAKEL-{ids[0]}"] == ["submitted", "verified"]
            and seen[f"SIMAKEL-{ids[1]}"] == ["submitted", "rejected"])
    assert seen[f"SIMAKEL-{new}"] == ["submitted"]

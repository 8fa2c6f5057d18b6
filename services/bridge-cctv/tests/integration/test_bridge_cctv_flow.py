"""Cameras flow from Dishub's app to palapa.transport.cameras.v1: registered, then only their changes."""

import pytest
from sqlalchemy import select

from palapa.bridge_cctv import tables
from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, TRANSPORT_CAMERAS
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


def kinds(topic_reader, camera_id=None):
    return [r.headers["ce_type"].split(".")[2] for r in topic_reader.of(TRANSPORT_CAMERAS)
            if camera_id is None or r.key == camera_id]


async def test_cameras_are_registered_then_only_their_changes_flow(dishub, make_bridge, topic_reader):
    bridge = await make_bridge(dishub.url)
    await eventually(lambda: len(topic_reader.of(TRANSPORT_CAMERAS)) == 10, what="5 registrations + 5 conditions")
    assert kinds(topic_reader, "CCTV-001") == ["camera_registered", "camera_came_online"]
    polls = bridge.stats.polls
    await eventually(lambda: bridge.stats.polls >= polls + 5, what="five more polls")
    assert len(topic_reader.of(TRANSPORT_CAMERAS)) == 10  # the status is row state: no event per poll

    dishub.set_online("CCTV-002", False)
    await eventually(lambda: kinds(topic_reader, "CCTV-002")[-1:] == ["camera_went_offline"], what="CCTV-002 offline")
    dishub.set_online("CCTV-002", True)
    await eventually(lambda: kinds(topic_reader, "CCTV-002")[-1:] == ["camera_came_online"], what="CCTV-002 back")
    dishub.edit("CCTV-003", location="Simpang Empat Miji")
    await eventually(lambda: kinds(topic_reader, "CCTV-003")[-1:] == ["camera_registered"], what="CCTV-003 moved")
    moved = topic_reader.of(TRANSPORT_CAMERAS)[-1].envelope
    assert moved.data.location_name == "Simpang Empat Miji" and moved.source == "/apps/cctv"
    polls = bridge.stats.polls
    await eventually(lambda: bridge.stats.polls >= polls + 5, what="five more polls")
    assert len(topic_reader.of(TRANSPORT_CAMERAS)) == 13

    beats = [r.envelope.data for r in topic_reader.of(BRIDGE_HEARTBEATS)]
    assert beats and beats[0].app_id == "cctv" and beats[0].opd == "DISHUB"
    async with bridge.runtime.sessions() as s:
        states = dict((await s.execute(select(tables.row_state.c.source_id, tables.row_state.c.status))).all())
    assert states["status:CCTV-002"] == "online" and len(states) == 10
    assert topic_reader.of(BRIDGE_QUARANTINE) == []


async def test_bad_rows_are_quarantined_once_with_the_reason_and_the_rest_flows(dishub, make_bridge, topic_reader):
    dishub.extra_rows += [
        {"kode_kamera": "CCTV-090", "nama_lokasi": "Jl. Raya Meri", "latitude": "51.5", "longitude": "-0.12"},
        "CCTV-091;Jl. Bhayangkara",
    ]
    dishub.edit("CCTV-004", quirk="swapped")
    dishub.edit("CCTV-005", quirk="duplicate")
    bridge = await make_bridge(dishub.url)
    await eventually(lambda: len(topic_reader.of(BRIDGE_QUARANTINE)) == 2, what="two quarantined rows")
    await eventually(lambda: len(topic_reader.of(TRANSPORT_CAMERAS)) == 10, what="the five good cameras")
    reasons = sorted(r.envelope.data.reason for r in topic_reader.of(BRIDGE_QUARANTINE))
    assert reasons[0].startswith("implausible_coordinates: (51.5, -0.12) lies outside Indonesia")
    assert reasons[1].startswith("not_an_object: a registry row must be a JSON object")
    polls = bridge.stats.polls
    await eventually(lambda: bridge.stats.polls >= polls + 5, what="five more polls")
    assert len(topic_reader.of(BRIDGE_QUARANTINE)) == 2 and bridge.stats.rows_quarantined == 2  # once each
    async with bridge.runtime.sessions() as s:
        kept = (await s.execute(select(tables.quarantine.c.source_id, tables.quarantine.c.reason))).all()
    assert {sid for sid, _ in kept} == {r.envelope.data.source_id for r in topic_reader.of(BRIDGE_QUARANTINE)}


async def test_a_restart_emits_nothing_again_and_catches_up_what_changed_meanwhile(dishub, make_bridge, topic_reader):
    first = await make_bridge(dishub.url)
    await eventually(lambda: len(topic_reader.of(TRANSPORT_CAMERAS)) == 10, what="the first snapshot")
    await first.stop()
    dishub.set_online("CCTV-001", False)
    dishub.add(id="CCTV-077", location="Jl. Hayam Wuruk")
    second = await make_bridge(dishub.url)
    await eventually(lambda: len(topic_reader.of(TRANSPORT_CAMERAS)) == 13, what="the changes made while down")
    assert kinds(topic_reader)[10:] == ["camera_registered", "camera_went_offline", "camera_came_online"]
    polls = second.stats.polls
    await eventually(lambda: second.stats.polls >= polls + 5, what="five more polls")
    assert len(topic_reader.of(TRANSPORT_CAMERAS)) == 13


async def test_a_legacy_app_away_or_answering_garbage_stalls_nothing(dishub, make_bridge, topic_reader):
    dishub.down = True
    bridge = await make_bridge(dishub.url)
    await eventually(lambda: not bridge.stats.legacy_reachable and bridge.stats.polls == 0, what="the source away")
    dishub.down = False
    await eventually(lambda: len(topic_reader.of(TRANSPORT_CAMERAS)) == 10, what="the snapshot once back")

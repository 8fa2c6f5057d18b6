"""The sweep inside bridge-cctv: a camera gone from Dishub's lists while online is announced offline, once."""

import pytest

from palapa.contracts.topics import TRANSPORT_CAMERAS
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


def kinds(topic_reader, camera: str) -> list[str]:
    return [r.headers["ce_type"].split(".")[2] for r in topic_reader.of(TRANSPORT_CAMERAS) if r.key == camera]


async def test_a_camera_removed_from_the_registry_goes_offline_once_and_the_rest_agree(dishub, make_bridge,
                                                                                      topic_reader):
    bridge = await make_bridge(dishub.url, sweep_seconds=0)
    await eventually(lambda: len(topic_reader.of(TRANSPORT_CAMERAS)) == 10, what="5 registrations + 5 conditions")
    sweep = bridge.svc.app.state.feeds["cctv"].sweep
    assert (await sweep.run_once()).mismatches == 0

    del dishub.cameras["CCTV-004"]
    found = await sweep.run_once()
    assert found.deleted == 2  # its registry entry and its condition
    await eventually(lambda: kinds(topic_reader, "CCTV-004")[-1:] == ["camera_went_offline"], what="offline")
    assert (await sweep.run_once()).mismatches == 0
    assert kinds(topic_reader, "CCTV-004").count("camera_went_offline") == 1

"""An operator (SRE) replays the bridge from a point in time through its protected admin endpoint."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.contracts.topics import COMPLAINT_INTAKE
from palapa.curhat_legacy import wib_now
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


async def test_rows_changed_since_the_time_are_emitted_again_with_new_ids(legacy, make_bridge, topic_reader,
                                                                          identity_provider):
    old = await legacy.insert(tgl_update=wib_now() - timedelta(hours=2))
    recent = await legacy.insert()
    bridge = await make_bridge(legacy.url, OIDC_ISSUER=identity_provider.issuer)
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 2, what="both complaints")
    first_ids = {r.headers["ce_id"] for r in topic_reader.of(COMPLAINT_INTAKE)}
    http = bridge.svc.http
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()

    refused = await http.post("/admin/bridges/curhat-ning-ita/replay", json={"since": since})
    assert (refused.status_code, refused.json()["reason"]) == (401, "token_missing")
    wrong = await http.post("/admin/bridges/curhat-ning-ita/replay", json={"since": since},
                            headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    desk = {"Authorization": f"Bearer {await identity_provider.token('desk')}"}
    not_ops = await http.post("/admin/bridges/curhat-ning-ita/replay", json={"since": since}, headers=desk)
    assert (not_ops.status_code, not_ops.json()["reason"]) == (403, "role_missing")
    auth = {"Authorization": f"Bearer {await identity_provider.token('sre')}"}
    unknown = await http.post("/admin/bridges/si-makel/replay", json={"since": since}, headers=auth)
    assert (unknown.status_code, unknown.json()["reason"]) == (404, "unknown_app")
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert (await http.post("/admin/bridges/curhat-ning-ita/replay", json={"since": future},
                            headers=auth)).status_code == 422
    naive = await http.post(
        "/admin/bridges/curhat-ning-ita/replay", json={"since": "2026-11-26T08:00:00"}, headers=auth
    )
    assert naive.status_code == 422  # a time without its zone is ambiguous

    short = await http.post("/admin/bridges/curhat-ning-ita/replay", json={"since": since, "why": "x"}, headers=auth)
    assert short.status_code == 422  # a reason, when given, says something
    answer = await http.post("/admin/bridges/curhat-ning-ita/replay", headers=auth,
                             json={"since": since, "why": "complaint-svc dibangun ulang"})
    assert answer.status_code == 200 and answer.json()["forgotten_rows"] == 1
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 3, what="the recent complaint again")
    again = topic_reader.of(COMPLAINT_INTAKE)[-1]
    assert again.key == f"CURHAT-{recent}" and again.headers["ce_id"] not in first_ids
    assert again.headers["ce_type"] == "palapa.complaint.submitted.v2"  # its current state, as a resync
    assert old != recent
    [record] = (await http.get("/audit", params={"object_id": "curhat-ning-ita"}, headers=auth)).json()["items"]
    assert (record["actor"], record["action"], record["after"]["forgotten_rows"]) == ("sre", "bridge.replay", 1)
    assert record["why"] == "complaint-svc dibangun ulang"


async def test_replay_answers_503_with_the_reason_without_an_identity_provider(legacy, make_bridge):
    bridge = await make_bridge(legacy.url)
    answer = await bridge.svc.http.post("/admin/bridges/curhat-ning-ita/replay",
                                        json={"since": "2026-11-26T08:00:00+07:00"},
                                        headers={"Authorization": "Bearer anything"})
    assert (answer.status_code, answer.json()["reason"]) == (503, "auth_not_configured")

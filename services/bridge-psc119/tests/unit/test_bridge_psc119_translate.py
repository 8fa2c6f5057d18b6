"""Recorded PSC 119 payloads → emergency events; stages only forward; bad payloads quarantined, caller masked."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from palapa.bridge_psc119 import legacy, translate
from palapa.bridge_psc119.translate import Limits, Quarantine, Stage
from palapa.bridgekit.ingest import unchanged
from palapa.bridgekit.protocol import Deferred
from palapa.bridgekit.restpoll import TokenPosition
from palapa.bridgekit.state import LastState
from palapa.contracts.events import CRITICAL, AmbulanceDispatched, IncidentClosed, IncidentReported, PatientHandedOver
from palapa.contracts.topics import EMERGENCY_INCIDENTS, topic_for
from palapa.kit.clock import zone

PAYLOADS = json.loads(Path(__file__).with_name("psc119_payloads.json").read_text())
WIB = zone("Asia/Jakarta")
LIMITS = Limits(latest=datetime(2026, 11, 26, tzinfo=UTC))


def run(name: str, last: Stage | None = None):
    inc = legacy.read_item(PAYLOADS[name])
    return translate.translate(inc, last, WIB, LIMITS)


def test_a_new_incident_is_reported_critical_on_the_emergency_topic_with_its_ticket():
    events, stage = run("reported")
    assert stage is Stage.REPORTED
    [event] = events
    assert isinstance(event, IncidentReported)
    assert (event.ticket, event.source_app, event.source_ref, event.priority) == ("PSC119-20461", "psc-119", "20461",
                                                                                  CRITICAL)
    assert (event.kind, event.kelurahan, event.kecamatan) == ("kecelakaan lalu lintas", "Magersari", "Magersari")
    assert event.reported_at == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    assert topic_for(event) is EMERGENCY_INCIDENTS


def test_each_stage_emits_its_own_event_with_the_legacy_details():
    [dispatched], stage = run("dispatched", Stage.REPORTED)
    assert isinstance(dispatched, AmbulanceDispatched) and stage is Stage.DISPATCHED
    assert (dispatched.ambulance, dispatched.dispatched_at) == ("AMB-03", datetime(2026, 11, 20, 8, 33, tzinfo=UTC))
    assert run("on_scene", Stage.DISPATCHED) == ([], Stage.ON_SCENE)  # the platform has no event for it
    [handed], _ = run("handed_over", Stage.ON_SCENE)
    assert isinstance(handed, PatientHandedOver) and handed.facility == "RSUD Dr. Wahidin Sudiro Husodo"
    assert handed.handed_over_at == datetime(2026, 11, 20, 8, 58, 30, tzinfo=UTC)
    [closed], stage = run("closed", Stage.HANDED_OVER)  # id as text, status ' s '
    assert isinstance(closed, IncidentClosed) and (closed.outcome, closed.ticket, stage) == ("selesai", "PSC119-20461",
                                                                                             Stage.CLOSED)


def test_an_incident_first_seen_late_gets_every_step_in_order():
    events, stage = run("closed")
    assert [type(e) for e in events] == [IncidentReported, AmbulanceDispatched, PatientHandedOver, IncidentClosed]
    assert stage is Stage.CLOSED and all(e.priority == CRITICAL for e in events)
    assert translate.event_time(events) == datetime(2026, 11, 20, 9, 10, tzinfo=UTC)


def test_a_cancelled_call_is_reported_and_closed_without_an_ambulance():
    events, _ = run("cancelled_before_dispatch")
    assert [type(e) for e in events] == [IncidentReported, IncidentClosed]
    assert events[0].kelurahan is None and events[0].kecamatan is None  # '-' and '' are nothing
    assert events[1].outcome == "dibatalkan"
    events, _ = run("not_found")
    assert [type(e) for e in events] == [IncidentReported, AmbulanceDispatched, IncidentClosed]
    assert events[-1].outcome == "tidak ditemukan"


@pytest.mark.parametrize("last", [Stage.DISPATCHED, Stage.HANDED_OVER, Stage.CLOSED])
def test_a_stale_or_repeated_version_emits_nothing_and_keeps_the_stage(last):
    assert run("dispatched", last) == ([], last)


@pytest.mark.parametrize("name", list(PAYLOADS["bad"]))
def test_a_bad_payload_is_quarantined_with_a_reason_naming_the_problem(name):
    record = legacy.record(PAYLOADS["bad"][name])
    result = (Quarantine(record.item.reason) if isinstance(record.item, legacy.Unreadable)
              else translate.translate(record.item, None, WIB, LIMITS))
    assert isinstance(result, Quarantine)
    assert result.reason.startswith(name)
    for personal in ("Agus", "Dewi", "Rina", "Slamet", "081299998888", "081311112222"):
        assert personal not in result.reason


def test_the_quarantined_row_hides_the_callers_name_and_phone():
    row = legacy.mask_row(legacy.as_row(PAYLOADS["bad"]["unknown_kode_status"]
                                        | {"alamat_kejadian": "depan rumah 081299998888"}))
    assert row["nama_penelepon"] == "***" and row["telp_penelepon"] == "***"
    assert "081299998888" not in json.dumps(row)
    assert row["kode_status"] == "X"


def test_records_are_ordered_by_the_legacy_update_time_so_a_late_webhook_changes_nothing():
    newer, older = legacy.record(PAYLOADS["handed_over"]), legacy.record(PAYLOADS["dispatched"])
    assert newer.ordered and newer.source_id == older.source_id == "20461"
    handled = LastState(Stage.HANDED_OVER.value, newer.fingerprint, newer.changed_at)
    assert unchanged(older, handled) and unchanged(newer, handled)
    unreadable = legacy.record(PAYLOADS["bad"]["not_an_object"])
    assert (unreadable.source_id.startswith("?")
            and unreadable.source_id == legacy.record(["20484", "1", "Slamet Riyadi"]).source_id)


def test_an_api_page_gives_its_records_and_the_next_position():
    page = legacy.api_page({"data": [PAYLOADS["reported"], PAYLOADS["bad"]["not_an_object"]],
                            "berikutnya": "cHNjMTE5OjU", "ada_lagi": True}, TokenPosition("x"))
    assert ([r.source_id[:1] for r in page.records] == ["2", "?"] and page.next == TokenPosition("cHNjMTE5OjU")
            and page.more)
    assert legacy.api_page({"data": [], "berikutnya": None}, TokenPosition("x")).next == TokenPosition("x")
    with pytest.raises(ValueError):
        legacy.api_page({"status": "gagal"}, TokenPosition())


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"jenis": "insiden.berubah"}', b"\xff\xfe"])
def test_an_unreadable_webhook_body_is_a_value_error(body):
    with pytest.raises(ValueError):
        legacy.webhook_records(body)


def test_a_webhook_body_of_a_non_incident_is_a_record_to_quarantine():
    [record] = legacy.webhook_records(b'{"jenis": "insiden.berubah", "data": "rusak"}')
    assert isinstance(record.item, legacy.Unreadable)


def test_a_body_nested_beyond_the_parser_is_refused_not_a_crash():
    with pytest.raises(ValueError, match="RecursionError"):
        legacy.webhook_records(b"[" * 200_000)


def test_a_structure_where_the_app_writes_text_is_quarantined():
    item = PAYLOADS["reported"] | {"kelurahan": {"nama": "Magersari"}}
    assert legacy.read_item(item) == legacy.Unreadable("unexpected_kelurahan: a dict where the app writes text")


def version(name: str, **changes):
    return legacy.read_item(PAYLOADS[name] | changes)


CLOSED_AT = datetime(2026, 11, 20, 9, 10, 2, tzinfo=UTC)  # the "closed" payload's diperbarui, in UTC


def test_a_newer_version_moved_back_to_dispatched_emits_ambulance_dispatched_again_at_its_time():
    reopened = version("closed", kode_status="2", diperbarui="2026-11-20 16:20:00")
    [event], stage = translate.translate(reopened, Stage.CLOSED, WIB, LIMITS, since=CLOSED_AT)
    assert isinstance(event, AmbulanceDispatched) and stage is Stage.DISPATCHED
    # at the move's time, not the column's first dispatch: tracking-svc records a later, earlier stage as a correction
    assert (event.ambulance, event.dispatched_at) == ("AMB-03", datetime(2026, 11, 20, 9, 20, tzinfo=UTC))


@pytest.mark.parametrize(("code", "kind"), [("1", IncidentReported), ("3", AmbulanceDispatched),
                                            ("4", PatientHandedOver)])
def test_a_move_back_emits_the_event_of_the_stage_the_platform_shows_for_it(code, kind):
    reopened = version("closed", kode_status=code, diperbarui="2026-11-20 16:20:00")
    [event], stage = translate.translate(reopened, Stage.CLOSED, WIB, LIMITS, since=CLOSED_AT)
    assert isinstance(event, kind) and stage is translate.stage_of(code)


def test_a_move_back_between_stages_the_platform_shows_alike_emits_nothing_but_remembers_the_stage():
    back = version("on_scene", kode_status="2", diperbarui="2026-11-20 15:45:00")
    assert translate.translate(back, Stage.ON_SCENE, WIB, LIMITS,
                               since=datetime(2026, 11, 20, 8, 41, tzinfo=UTC)) == ([], Stage.DISPATCHED)


def test_a_stale_version_at_an_earlier_stage_emits_nothing_and_keeps_the_stage():
    old = version("closed", kode_status="2", diperbarui="2026-11-20 16:00:00")
    assert translate.translate(old, Stage.CLOSED, WIB, LIMITS, since=CLOSED_AT) == ([], Stage.CLOSED)


def test_a_move_back_within_the_same_second_as_the_version_it_undoes_is_a_new_version():
    # the app stamps whole seconds: other content at the same time is the dispatcher's next move, not a repeat
    undone = version("closed", kode_status="2", diperbarui="2026-11-20 16:10:02")
    [event], stage = translate.translate(undone, Stage.CLOSED, WIB, LIMITS, since=CLOSED_AT)
    assert isinstance(event, AmbulanceDispatched) and stage is Stage.DISPATCHED
    assert event.dispatched_at == CLOSED_AT


def test_a_webhook_of_the_same_second_at_an_earlier_stage_is_deferred_to_the_order_of_the_app_s_log():
    # a held-back older webhook looks the same as a move back within the second: neither is decided from the push
    undone = version("closed", kode_status="2", diperbarui="2026-11-20 16:10:02")
    assert isinstance(translate.translate(undone, Stage.CLOSED, WIB, LIMITS, since=CLOSED_AT, pushed=True), Deferred)
    later = version("closed", kode_status="2", diperbarui="2026-11-20 16:10:03")
    [event], _ = translate.translate(later, Stage.CLOSED, WIB, LIMITS, since=CLOSED_AT, pushed=True)
    assert isinstance(event, AmbulanceDispatched)


def test_the_very_same_version_again_is_skipped_by_its_fingerprint_before_any_translation():
    item = PAYLOADS["closed"]
    handled = LastState(Stage.CLOSED.value, legacy.record(item).fingerprint, legacy.record(item).changed_at)
    assert unchanged(legacy.record(dict(item)), handled)
    assert not unchanged(legacy.record(item | {"kode_status": "2"}), handled)  # same second, other content


def test_a_stage_remembered_without_its_versions_time_takes_any_version_as_newer():
    reopened = version("closed", kode_status="2")
    [event], _ = translate.translate(reopened, Stage.CLOSED, WIB, LIMITS, since=translate.EVER)
    assert isinstance(event, AmbulanceDispatched)


def test_an_incident_reached_again_after_a_move_back_gets_its_steps_after_the_move_not_at_their_old_times():
    moved_back = datetime(2026, 11, 20, 9, 20, tzinfo=UTC)
    closed_again = version("closed", diperbarui="2026-11-20 16:30:00")  # the old hand-over and close times kept
    events, stage = translate.translate(closed_again, Stage.DISPATCHED, WIB, LIMITS, since=moved_back)
    assert [type(e) for e in events] == [PatientHandedOver, IncidentClosed] and stage is Stage.CLOSED
    assert (events[0].handed_over_at, events[1].closed_at) == (moved_back, moved_back)

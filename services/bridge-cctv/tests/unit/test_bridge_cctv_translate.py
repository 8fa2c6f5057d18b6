"""The translation on recorded Dishub payloads: quirks absorbed, bad rows quarantined with the reason, events only
on a change."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from palapa.bridge_cctv import normalise, translate
from palapa.bridge_cctv.normalise import UnreadableError
from palapa.contracts.events import CameraCameOnline, CameraRegistered, CameraWentOffline

WIB = ZoneInfo("Asia/Jakarta")
PAYLOADS = json.loads((Path(__file__).parent / "dishub_payloads.json").read_text())
OBSERVED = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # 10:00 WIB; the server said 09:56: its clock is 4 min behind


def observed() -> dict[str, translate.Observation]:
    server = datetime.strptime(PAYLOADS["status"]["waktu_server"], "%Y-%m-%d %H:%M:%S")
    obs = translate.observations(PAYLOADS["registry"]["data"], PAYLOADS["status"]["data"], OBSERVED, server, WIB)
    return {o.source_id: o for o in obs}


def first(source_id: str, last: str | None = None) -> translate.Result:
    return translate.translate(observed()[source_id], last, WIB)


def test_a_plain_registry_row_registers_the_camera():
    [event] = first("kamera:CCTV-001").events
    assert isinstance(event, CameraRegistered)
    assert (event.camera_id, event.app_id, event.latitude, event.longitude) == ("CCTV-001", "cctv", -7.47221, 112.43361)
    assert event.location_name == "Perempatan Jl. Majapahit - Jl. Gajah Mada"
    assert event.registered_at == OBSERVED


def test_decimal_commas_and_swapped_coordinates_are_read_as_meant():
    assert first("kamera:CCTV-002").events[0].latitude == pytest.approx(-7.470512)
    swapped = first("kamera:CCTV-003").events[0]
    assert (swapped.latitude, swapped.longitude) == (-7.477402, 112.437757)
    assert swapped.stream_url == "rtsp://10.12.0.3:554/stream1"


def test_blank_or_dash_values_become_absent_and_padding_is_trimmed():
    event = first("kamera:CCTV-004").events[0]
    assert (event.camera_id, event.location_name) == ("CCTV-004", "Jembatan Gajah Mada")
    assert (event.latitude, event.longitude, event.stream_url) == (None, None, None)


def test_a_camera_listed_twice_alike_is_one_camera():
    obs = observed()["kamera:CCTV-005"]
    assert len(obs.rows) == 2
    assert len(translate.translate(obs, None, WIB).events) == 1


@pytest.mark.parametrize(("source_id", "reason"), [
    ("kamera:CCTV-006", "conflicting_duplicates: CCTV-006 is listed 2 times"),
    ("kamera:CCTV-007", "blank_nama_lokasi"),
    ("kamera:CCTV-008", "implausible_coordinates: (51.5072, -0.1276) lies outside Indonesia"),
    ("kamera:CCTV-009", "invalid_link_stream"),
    ("status:CCTV-005", "unknown_kondisi: 'rusak'"),
    ("status:CCTV-099", "unregistered_camera: CCTV-099 has a status but no registry entry"),
    ("status:CCTV-007", "unregistered_camera"),  # its registry entry is quarantined
])
def test_rows_that_cannot_be_read_are_quarantined_with_the_reason(source_id, reason):
    result = first(source_id)
    assert result.events == () and result.reason.startswith(reason)


def test_rows_without_a_readable_id_are_quarantined_under_a_stable_name():
    strays = [o for sid, o in observed().items() if sid.startswith("kamera:#")]
    assert len(strays) == 2
    reasons = sorted(translate.translate(o, None, WIB).reason.split(":")[0] for o in strays)
    assert reasons == ["blank_kode_kamera", "not_an_object"]
    assert {o.source_id for o in strays} == {sid for sid in observed() if sid.startswith("kamera:#")}  # same each poll


def test_the_first_status_seen_is_emitted_with_the_check_time_corrected_for_the_server_clock():
    [online] = first("status:CCTV-001").events
    assert isinstance(online, CameraCameOnline)
    assert online.changed_at == datetime(2026, 11, 26, 9, 59, 30, tzinfo=WIB)  # 09:55:30 on a clock 4 min behind
    [offline] = first("status:CCTV-002").events
    assert isinstance(offline, CameraWentOffline)


def test_a_missing_or_future_check_time_becomes_the_bridge_time():
    assert first("status:CCTV-003").events[0].changed_at == OBSERVED
    assert first("status:CCTV-004").events[0].changed_at == OBSERVED  # 10:34 WIB corrected: later than now


def test_an_unchanged_condition_or_entry_emits_nothing():
    assert first("status:CCTV-001", last="online") == translate.Result(state="online")
    registered = first("kamera:CCTV-002")
    assert first("kamera:CCTV-002", last=registered.state).events == ()


def test_a_condition_that_flips_emits_one_event():
    [event] = first("status:CCTV-001", last="offline").events
    assert isinstance(event, CameraCameOnline)
    [event] = first("status:CCTV-002", last="online").events
    assert isinstance(event, CameraWentOffline)


def test_an_entry_typed_differently_but_meaning_the_same_is_not_a_change():
    comma = translate.translate(observed()["kamera:CCTV-002"], None, WIB).state
    row = {**PAYLOADS["registry"]["data"][1], "latitude": "-7.470512", "longitude": "112.434077"}
    dotted = translate.observations([row], [], OBSERVED, None, WIB)[0]
    assert translate.fingerprint(dotted) != translate.fingerprint(observed()["kamera:CCTV-002"])
    assert translate.translate(dotted, comma, WIB) == translate.Result(state=comma)


def test_a_moved_camera_is_registered_again():
    before = first("kamera:CCTV-001").state
    row = {**PAYLOADS["registry"]["data"][0], "nama_lokasi": "Simpang Empat Miji"}
    moved = translate.observations([row], [], OBSERVED, None, WIB)[0]
    [event] = translate.translate(moved, before, WIB).events
    assert event.location_name == "Simpang Empat Miji"


def test_the_check_time_is_not_part_of_a_status_fingerprint():
    a = translate.observations([], [{"kode_kamera": "C1", "kondisi": "1", "terakhir_cek": "26/11/2026 09:00:00"}],
                               OBSERVED, None, WIB)[0]
    b = translate.observations([], [{"kode_kamera": "C1", "kondisi": "1", "terakhir_cek": "26/11/2026 09:01:00"}],
                               OBSERVED, None, WIB)[0]
    assert translate.fingerprint(a) == translate.fingerprint(b)


def test_a_server_clock_off_by_hours_is_not_trusted_as_skew():
    obs = translate.observations([], [{"kode_kamera": "C1", "kondisi": "1"}], OBSERVED,
                                 datetime(2026, 11, 25, 1, 0), WIB)[0]
    assert obs.skew == timedelta(0)


@pytest.mark.parametrize(("typed", "online"), [("ONLINE", True), ("1", True), ("Aktif", True), ("ON", True),
                                               ("OFFLINE", False), ("0", False), ("mati", False),
                                               ("tidak aktif", False)])
def test_every_firmware_status_word_is_read(typed, online):
    assert normalise.online(typed) is online


@pytest.mark.parametrize("typed", ["nan", "inf", "1e400", "abc", "-7.4.5"])
def test_a_coordinate_that_is_no_finite_number_is_unreadable(typed):
    with pytest.raises(UnreadableError):
        normalise.coordinates(typed, "112.43")


@pytest.mark.parametrize("check", ["01/01/0001 00:00:00", "31/12/9999 23:59:59"])
def test_a_check_time_that_cannot_be_true_is_refused_with_the_reason(check):
    obs = observed()["status:CCTV-001"]
    bad = translate.Observation(**{**obs.__dict__, "rows": ({**obs.rows[0], "terakhir_cek": check},)})
    result = translate.translate(bad, None, WIB)
    assert result.events == () and result.reason.startswith("implausible_terakhir_cek: ")

"""The translation on recorded Si Makel pages: events, the status mapping table, quarantines, no personal data."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from palapa.bridge_simakel import translate
from palapa.contracts.events import RequestStatus, ServiceRequestStatusChanged, ServiceRequestSubmitted
from palapa.simakel_legacy.xmlread import parse_page

WIB = ZoneInfo("Asia/Jakarta")
PAGES = Path(__file__).parent / "pages"
OBSERVED = datetime(2026, 11, 26, 2, 50, tzinfo=UTC)  # 09:50 WIB; the server said 09:47: 3 minutes behind
PERSONAL = ("Siti", "Aminah", "André", "3576014403910002", "081234567890", "Budi", "0813 3456 7890")


def page(name: str) -> dict[str, translate.Observed]:
    data = parse_page((PAGES / name).read_bytes())
    skew = translate.skew_of(OBSERVED, data.server_time, WIB)
    return {r["id"]: translate.Observed(r, OBSERVED, skew) for r in data.rows}


def first(name: str, rid: str, last: str | None = None) -> translate.Result:
    return translate.translate(page(name)[rid], last, WIB)


def test_a_new_request_is_submitted_with_its_letter_and_place_and_the_clock_corrected():
    [event] = first("page1.xml", "3101").events
    assert isinstance(event, ServiceRequestSubmitted)
    assert (event.ticket, event.source_app, event.source_ref) == ("SIMAKEL-3101", "si-makel", "3101")
    assert (event.letter_type, event.letter_label) == ("SKD", "Surat Keterangan Domisili")
    assert (event.kelurahan, event.kecamatan, event.status) == ("Kranggan", "Kranggan", RequestStatus.SUBMITTED)
    assert event.submitted_at == datetime(2026, 11, 26, 9, 33, tzinfo=WIB)  # 09:30 on a clock 3 minutes behind


def test_quirky_places_are_read_as_the_real_kelurahan_and_kecamatan():
    assert first("page1.xml", "3102").events[0].kelurahan == "Prajurit Kulon"  # '&nbsp;'
    shouting = first("page1.xml", "3106").events[0]
    assert (shouting.kelurahan, shouting.kecamatan) == ("Kedundung", "Magersari")  # 'KEL. KEDUNDUNG', 'MAGERSARI'
    blanks = first("page1.xml", "3104").events[0]
    assert (blanks.kelurahan, blanks.kecamatan) == ("Wates", "Magersari")  # kecamatan '-' filled in
    assert blanks.submitted_at == datetime(2026, 11, 26, 9, 37, tzinfo=WIB)  # tgl_pengajuan '-': tgl_update's


def test_a_first_sight_later_in_the_flow_is_submitted_with_that_status():
    event = first("page1.xml", "3103").events[0]
    assert event.status == RequestStatus.READY and event.legacy_status == "3"


def test_a_status_move_emits_one_change_with_the_legacy_label_as_note():
    [event] = first("page1.xml", "3103", last="in_progress").events
    assert isinstance(event, ServiceRequestStatusChanged)
    assert (event.status, event.note) == (RequestStatus.READY, "Siap Diambil · loket 2")
    assert event.changed_at == datetime(2026, 11, 26, 9, 36, tzinfo=WIB)


def test_the_same_status_again_emits_nothing():
    assert first("page1.xml", "3102", last="in_progress") == translate.Result(state="in_progress")


def test_a_time_ahead_of_the_moment_it_was_read_is_taken_as_that_moment():
    obs = page("page2.xml")["3111"]  # tgl_pengajuan 10:30, after it was read at 09:50
    assert translate.translate(obs, None, WIB).events[0].submitted_at <= OBSERVED


@pytest.mark.parametrize(("rid", "reason"), [
    ("3107", "unknown_status: kode_status '7' (Ditangguhkan) is not a Si Makel status"),
    ("31O8", "invalid_id: '31O8' is not a Si Makel request number"),
    ("3109", "unparseable_tgl_update: '00-00-0000 00:00:00' is no date"),
    ("3110", "unknown_jenis_surat: kode 'blank' has no letter type"),
])
def test_requests_that_cannot_be_translated_are_quarantined_with_the_reason(rid, reason):
    obs = {**page("page1.xml"), **page("page2.xml")}[rid]
    assert translate.translate(obs, None, WIB) == translate.Result(reason=reason)


def test_an_unknown_letter_code_with_its_own_label_is_carried():
    event = first("page2.xml", "3111").events[0]
    assert (event.letter_type, event.letter_label, event.status) == ("SKPT", "Surat Keterangan Penghasilan",
                                                                      RequestStatus.COMPLETED)
    assert (event.kelurahan, event.kecamatan) == ("Balongsari", "Kranggan")


@pytest.mark.parametrize(("code", "status"), [
    ("0", "submitted"), ("1", "verified"), ("2", "in_progress"), ("3", "ready"), ("4", "completed"), ("9", "rejected"),
    ("BARU", "submitted"), ("Diverifikasi", "verified"), (" proses ", "in_progress"), ("Siap  Diambil", "ready"),
    ("SELESAI", "completed"), ("diambil", "completed"), ("Ditolak", "rejected"),
])
def test_the_status_mapping_table(code, status):
    assert translate.canonical_status(code) == RequestStatus(status)


@pytest.mark.parametrize("code", ["7", "", "-", "10", "batal", None])
def test_codes_outside_the_table_have_no_status(code):
    assert translate.canonical_status(code) is None


def test_no_event_or_reason_carries_the_applicants_name_nik_or_phone():
    for name in ("page1.xml", "page2.xml"):
        for obs in page(name).values():
            result = translate.translate(obs, None, WIB)
            text = (result.reason or "") + "".join(e.model_dump_json() for e in result.events)
            assert not [p for p in PERSONAL if p in text], (obs.row["id"], text)


def test_a_server_clock_off_by_hours_is_not_taken_as_skew():
    assert translate.skew_of(OBSERVED, "2026-11-25 09:47:00", WIB) == timedelta(0)
    assert translate.skew_of(OBSERVED, "bukan tanggal", WIB) == timedelta(0)


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("tgl_update", "9999-12-31 00:00:00",
     "implausible_tgl_update: 9999-12-31 00:00:00 is later than the page was read"),
    ("tgl_pengajuan", "01/01/0001 00:00", "implausible_tgl_pengajuan: 0001-01-01 00:00:00 is outside 2000-01-01 … "
                                          "the time the page was read"),
    ("tgl_pengajuan", "31/12/9999 00:00", "implausible_tgl_pengajuan: 9999-12-31 00:00:00 is outside 2000-01-01 … "
                                          "the time the page was read"),
])
def test_a_date_that_cannot_be_true_is_refused_with_the_reason_never_replaced(column, value, reason):
    obs = page("page1.xml")["3101"]
    bad = translate.Observed({**obs.row, column: value}, obs.observed_at, obs.skew)
    assert translate.translate(bad, None, WIB) == translate.Result(reason=reason)

"""translate() on recorded Curhat Ning Ita rows: events, or a quarantine with a precise reason."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from palapa.bridge_curhat.translate import (
    STATUS_CODES,
    LastState,
    LegacyRow,
    Limits,
    Quarantine,
    canonical_status,
    fingerprint,
    mask_nik,
    normalise_category,
    translate,
)
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import CaseStatus, ComplaintStatus, ComplaintStatusChangedV2, ComplaintSubmittedV2
from palapa.contracts.identity import Identity
from palapa.curhat_legacy.codes import STATUS_VARIANTS
from palapa.kit.failures import RECORD_MAX_BYTES
from palapa.kit.sealed import Sealer, open_identity, seal_identity

JAKARTA = ZoneInfo("Asia/Jakarta")
SEALER = Sealer("a-reporter-key-for-the-tests", ComplaintSubmittedV2.SEAL_PURPOSE)
RECORDED = json.loads((Path(__file__).parent / "curhat_rows.json").read_text())["rows"]


def legacy_row(data: dict) -> LegacyRow:
    return LegacyRow(**{**data, "tgl_update": datetime.fromisoformat(data["tgl_update"])})


@pytest.mark.parametrize("case", RECORDED, ids=lambda c: f"{c['row']['id_pengaduan']}-{c['expect']['type']}")
def test_a_recorded_row_seen_first_is_submitted_or_quarantined_as_recorded(case):
    row, expect = legacy_row(case["row"]), case["expect"]
    result = translate(row, None, JAKARTA, seal=lambda ticket, who: seal_identity(SEALER, ticket, who))
    if expect["type"] == "quarantine":
        assert isinstance(result, Quarantine)
        assert result.reason.startswith(expect["reason"] + ":")
        assert result.reason == expect.get("reason_text", result.reason)
        return
    [event] = result
    assert isinstance(event, ComplaintSubmittedV2)
    assert event.ticket == f"CURHAT-{row.id_pengaduan}" and event.source_ref == str(row.id_pengaduan)
    assert event.source_app == "curhat-ning-ita" and event.opd is None
    assert event.legacy_status == row.status
    assert event.status == expect["status"]
    assert event.category == expect["category"]
    # the reporter travels sealed for complaint-svc: never in clear on the event
    who = open_identity(SEALER, event.ticket, event.reporter_sealed) or Identity()
    assert who.name == expect["reporter_name"] and who.nik_masked == expect["reporter_nik_masked"]
    assert who.phone is None and (not who.name or who.name not in event.model_dump_json())
    assert event.submitted_at == datetime.fromisoformat(expect["submitted_at"])
    assert event.submitted_at.utcoffset() == timedelta(0)
    assert event.description == expect.get("description", row.isi_laporan.strip())


def _first():
    return legacy_row(RECORDED[0]["row"])


def test_a_later_sight_with_another_status_is_a_status_change_at_tgl_update():
    row = replace(_first(), status=" diproses", tgl_update=datetime(2026, 11, 21, 9, 0, 0))
    [event] = translate(row, LastState(CaseStatus.RECEIVED, "old"), JAKARTA)
    assert isinstance(event, ComplaintStatusChangedV2)
    assert (event.ticket, event.status, event.legacy_status) == ("CURHAT-1042", "in_progress", " diproses")
    assert event.changed_at == datetime(2026, 11, 21, 2, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("before", "code", "status"),
    [(CaseStatus.IN_PROGRESS, "1", "verified"), (CaseStatus.RESOLVED, "2", "in_progress"),
     (CaseStatus.IN_PROGRESS, "Diverifikasi", "verified"), (CaseStatus.REJECTED, "0", "received")],
)
def test_a_move_back_is_carried_as_the_app_made_it_with_its_own_code(before, code, status):
    row = replace(_first(), status=code, tgl_update=datetime(2026, 11, 22, 9, 0, 0))
    [event] = translate(row, LastState(before, "old"), JAKARTA)
    assert isinstance(event, ComplaintStatusChangedV2)
    assert (event.status, event.legacy_status) == (status, code)


STAGE_STATUS = {0: "received", 1: "verified", 2: "in_progress", 3: "resolved", 9: "rejected"}


@pytest.mark.parametrize(("stage", "code"), [(s, c) for s, cs in STATUS_VARIANTS.items() for c in (str(s), *cs)])
def test_every_curhat_code_the_legacy_app_writes_maps_to_its_stage_status(stage, code):
    assert canonical_status(code) == STAGE_STATUS[stage]


def test_every_status_the_table_gives_is_a_v1_status_a_submission_can_carry():
    assert {ComplaintStatus(s.value) for s in STATUS_CODES.values()} <= set(ComplaintStatus)


def test_an_edit_that_keeps_the_status_emits_nothing():
    row = replace(_first(), kategori="Jalan", status="Baru")
    assert translate(row, LastState(CaseStatus.RECEIVED, "old"), JAKARTA) == []


def test_a_status_change_does_not_need_the_fields_only_submission_uses():
    row = replace(_first(), isi_laporan="", tgl_lapor="kemarin", status="3")
    [event] = translate(row, LastState(CaseStatus.IN_PROGRESS, "old"), JAKARTA)
    assert event.status == "resolved"


def test_an_unknown_status_on_a_known_row_is_quarantined():
    result = translate(replace(_first(), status="X"), LastState(CaseStatus.RECEIVED, "old"), JAKARTA)
    assert result == Quarantine("unknown_status: status 'X' is not a Curhat Ning Ita code")


def test_a_row_fixed_after_quarantine_is_submitted():
    fixed = replace(legacy_row(RECORDED[9]["row"]), status="0")
    [event] = translate(fixed, LastState(None, "quarantined-form"), JAKARTA)
    assert isinstance(event, ComplaintSubmittedV2) and event.status == "received"


@pytest.mark.parametrize(
    ("code", "status"),
    [("0", "received"), (" BARU", "received"), ("1", "verified"), ("Verifikasi", "verified"),
     ("diverifikasi ", "verified"), ("2", "in_progress"), ("PROSES", "in_progress"), ("Diproses", "in_progress"),
     ("tindak   lanjut", "in_progress"), ("3", "resolved"), ("SELESAI ", "resolved"), ("9", "rejected"),
     ("Tolak", "rejected"), ("ditolak", "rejected")],
)
def test_legacy_status_codes_map_case_and_whitespace_insensitively(code, status):
    assert canonical_status(code) == status


@pytest.mark.parametrize("code", ["X", "", " ", "4", "pending", "selesai!", None])
def test_unknown_status_codes_map_to_nothing(code):
    assert canonical_status(code) is None


def test_a_nik_is_masked_only_when_sixteen_digits_remain():
    assert mask_nik("3576 0123 4567 0002") == "3576********0002"
    assert mask_nik("3576012345670002") == "3576********0002"
    assert mask_nik("3576 0123 4567 000") is None
    assert mask_nik("3576-0123-4567-0002") is None
    assert mask_nik("357601234567000A") is None
    assert mask_nik("-") is None and mask_nik("") is None and mask_nik(None) is None


def test_categories_are_trimmed_and_title_cased_keeping_acronyms():
    assert normalise_category(" jalan  rusak ") == "Jalan Rusak"
    assert normalise_category("SAMPAH") == "Sampah"
    assert normalise_category("pju") == "PJU"
    assert normalise_category("Air PDAM") == "Air PDAM"
    assert normalise_category(" - ") is None and normalise_category("") is None and normalise_category(None) is None


def test_a_fixed_offset_zone_gives_the_same_times_as_the_tz_database():
    row = _first()
    wib = timezone(timedelta(hours=7))
    assert translate(row, None, wib)[0].submitted_at == translate(row, None, JAKARTA)[0].submitted_at


def test_the_fingerprint_changes_with_any_column_and_only_then():
    row = _first()
    assert fingerprint(row) == fingerprint(replace(row))
    assert fingerprint(row) != fingerprint(replace(row, lokasi="Jl. Lain"))
    assert fingerprint(row) != fingerprint(replace(row, tgl_update=row.tgl_update + timedelta(seconds=1)))
    assert fingerprint(row) != fingerprint(replace(row, nik=None))


def test_a_complaint_text_too_large_for_any_event_is_quarantined_with_its_size():
    result = translate(replace(_first(), isi_laporan="Jalan rusak parah. " * 110_000), None, JAKARTA)
    assert isinstance(result, Quarantine)
    assert result.reason.startswith("oversized_isi_laporan: 2,089,999 characters make a 2,094,")
    assert result.reason.endswith(f"the platform carries at most {RECORD_MAX_BYTES:,} bytes")


def test_the_largest_complaint_text_that_fits_is_carried_and_its_envelope_stays_under_the_limit():
    text = "a" * (RECORD_MAX_BYTES - 4096 - 1024)
    [event] = translate(replace(_first(), isi_laporan=text), None, JAKARTA)
    key, value, headers = Envelope(event, source="/apps/curhat-ning-ita", subject=event.ticket).to_kafka()
    assert len(key) + len(value) + sum(len(k) + len(v) for k, v in headers.items()) <= RECORD_MAX_BYTES


def test_a_complaint_text_of_escaped_characters_is_measured_as_it_travels():
    # a quote is 1 character but 2 bytes of JSON: the limit is on the encoded event
    result = translate(replace(_first(), isi_laporan='"' * (RECORD_MAX_BYTES // 2)), None, JAKARTA)
    assert isinstance(result, Quarantine) and result.reason.startswith("oversized_isi_laporan:")


def test_the_default_event_limit_is_the_kits():
    assert Limits().max_event_bytes == RECORD_MAX_BYTES


def test_a_date_more_than_the_tolerance_ahead_of_now_is_implausible():
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 19:00 WIB
    limits = Limits(latest=now + timedelta(hours=1), ahead=timedelta(hours=1))
    ahead = replace(_first(), tgl_lapor="", tgl_update=datetime(2026, 11, 24, 20, 0, 1))
    assert translate(ahead, None, JAKARTA, limits=limits) == Quarantine(
        "implausible_tgl_update: 2026-11-24 20:00:01 is later than 2026-11-24 20:00:00+07:00"
    )
    assert translate(replace(ahead, tgl_update=datetime(2026, 11, 24, 20, 0)), None, JAKARTA, limits=limits) != []


@pytest.mark.parametrize("tgl_update", [datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59), datetime(1999, 12, 31)])
def test_a_status_change_at_the_ends_of_the_calendar_is_quarantined_not_overflowed(tgl_update):
    row = replace(_first(), status="2", tgl_update=tgl_update)
    result = translate(row, LastState(CaseStatus.RECEIVED, "old"), JAKARTA)
    assert isinstance(result, Quarantine) and result.reason.startswith("implausible_tgl_update: ")


def test_the_earliest_date_is_a_local_date():
    row = replace(_first(), tgl_lapor="01/01/2000 00:00")
    [event] = translate(row, None, JAKARTA)
    assert event.submitted_at == datetime(1999, 12, 31, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize("id_pengaduan", [0, -5, 2**63])
def test_an_id_that_makes_no_ticket_is_quarantined(id_pengaduan):
    result = translate(replace(_first(), id_pengaduan=id_pengaduan), None, JAKARTA)
    assert result == Quarantine(f"invalid_id_pengaduan: {id_pengaduan} is not a positive 64-bit id")


def test_a_reason_quotes_a_long_value_cut_and_masked():
    row = replace(_first(), tgl_lapor="NIK 3576012345670002 " * 50)
    result = translate(row, None, JAKARTA)
    assert result.reason.startswith(
        "unparseable_tgl_lapor: 'NIK 3576********0002 NIK 3576********0002 NIK'… (1,050 characters)"
    )
    assert "0123" not in result.reason


def test_a_nul_only_complaint_text_is_blank():
    result = translate(replace(_first(), isi_laporan="\x00\x00 \x00"), None, JAKARTA)
    assert isinstance(result, Quarantine) and result.reason.startswith("blank_isi_laporan:")


def test_a_lone_surrogate_in_a_complaint_text_is_replaced_so_the_event_encodes():
    [event] = translate(replace(_first(), isi_laporan="Jalan \ud800rusak"), None, JAKARTA)
    assert event.description == "Jalan \ufffdrusak"
    event.model_dump_json()

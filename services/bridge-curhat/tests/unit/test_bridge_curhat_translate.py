"""translate() on recorded Curhat Ning Ita rows: events, or a quarantine with a precise reason."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from palapa.bridge_curhat.translate import (
    LastState,
    LegacyRow,
    Quarantine,
    canonical_status,
    fingerprint,
    mask_nik,
    normalise_category,
    translate,
)
from palapa.contracts.events import ComplaintStatus, ComplaintStatusChanged, ComplaintSubmitted

JAKARTA = ZoneInfo("Asia/Jakarta")
RECORDED = json.loads((Path(__file__).parent / "curhat_rows.json").read_text())["rows"]


def legacy_row(data: dict) -> LegacyRow:
    return LegacyRow(**{**data, "tgl_update": datetime.fromisoformat(data["tgl_update"])})


@pytest.mark.parametrize("case", RECORDED, ids=lambda c: f"{c['row']['id_pengaduan']}-{c['expect']['type']}")
def test_a_recorded_row_seen_first_is_submitted_or_quarantined_as_recorded(case):
    row, expect = legacy_row(case["row"]), case["expect"]
    result = translate(row, None, JAKARTA)
    if expect["type"] == "quarantine":
        assert isinstance(result, Quarantine)
        assert result.reason.startswith(expect["reason"] + ":")
        return
    [event] = result
    assert isinstance(event, ComplaintSubmitted)
    assert event.ticket == f"CURHAT-{row.id_pengaduan}" and event.source_ref == str(row.id_pengaduan)
    assert event.source_app == "curhat-ning-ita" and event.opd is None
    assert event.legacy_status == row.status
    assert event.status == expect["status"]
    assert event.category == expect["category"]
    assert event.reporter_name == expect["reporter_name"]
    assert event.reporter_nik_masked == expect["reporter_nik_masked"]
    assert event.submitted_at == datetime.fromisoformat(expect["submitted_at"])
    assert event.submitted_at.utcoffset() == timedelta(0)
    assert event.description == expect.get("description", row.isi_laporan.strip())


def _first():
    return legacy_row(RECORDED[0]["row"])


def test_a_later_sight_with_another_status_is_a_status_change_at_tgl_update():
    row = replace(_first(), status=" diproses", tgl_update=datetime(2026, 11, 21, 9, 0, 0))
    [event] = translate(row, LastState(ComplaintStatus.RECEIVED, "old"), JAKARTA)
    assert isinstance(event, ComplaintStatusChanged)
    assert (event.ticket, event.status, event.legacy_status) == ("CURHAT-1042", "in_progress", " diproses")
    assert event.changed_at == datetime(2026, 11, 21, 2, 0, 0, tzinfo=UTC)


def test_an_edit_that_keeps_the_status_emits_nothing():
    row = replace(_first(), kategori="Jalan", status="Baru")
    assert translate(row, LastState(ComplaintStatus.RECEIVED, "old"), JAKARTA) == []


def test_a_status_change_does_not_need_the_fields_only_submission_uses():
    row = replace(_first(), isi_laporan="", tgl_lapor="kemarin", status="3")
    [event] = translate(row, LastState(ComplaintStatus.IN_PROGRESS, "old"), JAKARTA)
    assert event.status == "resolved"


def test_an_unknown_status_on_a_known_row_is_quarantined():
    result = translate(replace(_first(), status="X"), LastState(ComplaintStatus.RECEIVED, "old"), JAKARTA)
    assert result == Quarantine("unknown_status: status 'X' is not a Curhat Ning Ita code")


def test_a_row_fixed_after_quarantine_is_submitted():
    fixed = replace(legacy_row(RECORDED[9]["row"]), status="0")
    [event] = translate(fixed, LastState(None, "quarantined-form"), JAKARTA)
    assert isinstance(event, ComplaintSubmitted) and event.status == "received"


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

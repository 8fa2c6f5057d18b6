"""The position: a high water held still while paging, moved after the last page, never by a typo's future date."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from palapa.bridge_simakel import legacy, privacy, translate
from palapa.bridgekit.restpoll import TokenPosition

WIB = ZoneInfo("Asia/Jakarta")
OBSERVED = datetime(2026, 11, 26, 2, 50, tzinfo=UTC)


def rec(tgl_update: str, rid: str = "1"):
    return legacy.record(translate.Observed({"id": rid, "tgl_update": tgl_update}, OBSERVED))


def test_a_position_token_round_trips_and_a_foreign_one_starts_over():
    high_water = datetime(2026, 11, 26, 9, 40)
    assert legacy.split(legacy.position_at(high_water, 3)) == (high_water, 3)
    assert legacy.split(TokenPosition()) == (None, 1)
    assert legacy.split(TokenPosition("garbage|x")) == (None, 1)


def test_the_high_water_moves_to_the_newest_plausible_change_and_never_back():
    pages = legacy.SimakelPages(None, WIB, page_size=10, lookback=None, max_bytes=1)
    high_water = datetime(2026, 11, 26, 9, 0)
    records = [rec("2026-11-26 09:40:00"), rec("2026-11-26 09:45:00"), rec("2099-01-01 00:00:00"), rec("x")]
    assert pages.next_high_water(high_water, records, "2026-11-26 09:47:00") == datetime(2026, 11, 26, 9, 45)
    assert pages.next_high_water(high_water, [rec("2026-11-26 08:00:00")], "2026-11-26 09:47:00") == high_water
    assert pages.next_high_water(None, [], None) is None


def test_a_refused_page_is_one_record_named_by_its_body():
    a = legacy.refused("xml_forbidden: DTDForbidden", b"<!DOCTYPE x>", OBSERVED)
    b = legacy.refused("xml_forbidden: DTDForbidden", b"<!DOCTYPE x>", OBSERVED)
    assert a.source_id == b.source_id and a.source_id.startswith("#halaman-")
    assert a.row[legacy.REFUSED] == "xml_forbidden: DTDForbidden"


def test_a_quarantined_row_leaves_with_the_applicant_masked():
    row = {"id": "3101", "nama": "Siti Aminah", "nik": "3576014403910002", "telepon": "0812-3456-7890",
           "kelurahan": "Kranggan", "nama_status": "hubungi 081234567890"}
    masked = privacy.mask_row(row)
    assert masked["nama"] == "S. A." and masked["nik"] == "*************002" and masked["telepon"] == "*********890"
    assert "081234567890" not in masked["nama_status"] and masked["kelurahan"] == "Kranggan"


def test_a_refused_page_leaves_without_its_body():
    body = b"<simakel><daftar><permohonan><nama>Siti Aminah</nama><nik>3576014403910002</nik>"
    masked = privacy.mask_row(legacy.refused("xml_unreadable: no element found", body, OBSERVED).row)
    assert "Siti" not in str(masked) and "3576014403910002" not in str(masked)
    assert masked[legacy.REFUSED] == "xml_unreadable: no element found"

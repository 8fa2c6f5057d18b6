"""Written-back rows: the legacy row as the PHP app writes it, and its events speaking for the portal ticket."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from palapa.bridge_curhat.translate import LastState, LegacyRow, portal_ticket, translate
from palapa.bridge_curhat.writeback import legacy_values
from palapa.contracts.events import CaseStatus, RecordComplaintV2

JAKARTA = ZoneInfo("Asia/Jakarta")
NOW_LOCAL = datetime(2026, 11, 26, 10, 15)
CMD = RecordComplaintV2(ticket="LAPOR-7K3M9QX2PA", category="jalan rusak",
                        description="Lubang besar di Jl. Mojopahit", kelurahan="Kranggan", kecamatan="Kranggan",
                        submitted_at=datetime(2026, 11, 26, 3, 15, tzinfo=UTC))


def written_row(status: str = "0", **changes) -> LegacyRow:
    values = legacy_values(CMD, NOW_LOCAL)
    return LegacyRow(id_pengaduan=1042, **{**values, "status": status, **changes})


def test_the_legacy_row_is_written_as_the_php_app_does_with_the_ticket_marked_at_the_end():
    values = legacy_values(CMD, NOW_LOCAL)
    assert values["isi_laporan"] == "Lubang besar di Jl. Mojopahit\n\n[Tiket Palapa: LAPOR-7K3M9QX2PA]"
    assert (values["status"], values["tgl_lapor"], values["tgl_update"]) == ("0", "26/11/2026 10:15", NOW_LOCAL)
    assert values["lokasi"] == "Kel. Kranggan, Kec. Kranggan" and values["nama_pelapor"] is None


def test_a_written_row_seen_first_opens_no_second_case():
    row = written_row()
    assert portal_ticket(row) == "LAPOR-7K3M9QX2PA"
    assert translate(row, None, JAKARTA) == []


def test_its_status_changes_speak_for_the_portal_ticket():
    [moved] = translate(written_row("2"), LastState(CaseStatus.RECEIVED, "f"), JAKARTA)
    assert (moved.ticket, moved.status, moved.source_ref) == ("LAPOR-7K3M9QX2PA", CaseStatus.IN_PROGRESS, "1042")
    [first_seen_late] = translate(written_row("2"), None, JAKARTA)  # changed before the bridge first read it
    assert first_seen_late.ticket == "LAPOR-7K3M9QX2PA"


def test_a_mark_in_the_middle_of_a_citizens_text_is_not_a_written_row():
    row = written_row(isi_laporan="Saya menulis [Tiket Palapa: LAPOR-AAAA2222BB] lalu lanjut bercerita")
    assert portal_ticket(row) is None

"""The mapping's translation of recorded puskesmas queue rows (pure, no I/O)."""

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from palapa.bridge_mapped.mapping import load
from palapa.bridge_mapped.translate import Quarantine, Translated, fingerprint, translate
from palapa.bridgekit.state import LastState
from palapa.kit.clock import zone

EXAMPLE = Path(__file__).parents[4] / "deploy" / "bridges" / "puskesmas-antrian.yaml"
MAPPING = load(EXAMPLE, {"PUSKESMAS_DATABASE_URL": "postgresql://postgres@127.0.0.1:5/p"})
WIB = zone("Asia/Jakarta")
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
CHANGED = datetime(2026, 11, 26, 8, 15, 3)  # local, as the table holds it
# a row as the queue app leaves it when the patient is called (recorded)
CALLED = {"id_antrian": 12, "kd_puskesmas": "GDG", "no_antrian": "A-012", "kd_poli": "UMUM ", "loket": "2",
          "nama_pasien": "Siti Aminah", "no_rm": "RM-000123", "nik": "3576012345670002", "status_antrian": "1",
          "jam_panggil": "26/11/2026 08:15:03", "tgl_update": CHANGED}


def run(row, last=None, mapping=MAPPING):
    return translate(mapping, row, last, WIB, row["tgl_update"], NOW, 900 * 1024)


def test_a_called_patient_becomes_queue_ticket_called_keyed_by_ticket():
    result = run(CALLED)
    assert isinstance(result, Translated) and result.status == "1" and result.subject == "PKM-12"
    [event] = result.events
    assert (event.ticket, event.source_app, event.source_ref, event.facility, event.queue_number, event.clinic,
            event.counter) == ("PKM-12", "puskesmas-antrian", "12", "Puskesmas Gedongan", "A-012", "Poli Umum", "2")
    assert event.called_at == datetime(2026, 11, 26, 1, 15, 3, tzinfo=UTC)  # 08:15:03 WIB
    assert result.time == datetime(2026, 11, 26, 1, 15, 3, tzinfo=UTC)
    assert "Siti" not in event.model_dump_json() and "3576" not in event.model_dump_json()


def test_a_waiting_or_finished_patient_emits_nothing_and_a_call_is_announced_once():
    assert run({**CALLED, "status_antrian": "0", "jam_panggil": None}) == Translated([], "0", run(CALLED).time)
    assert run(CALLED, LastState("1", "fp")).events == []  # the same call, the row changed otherwise
    assert len(run(CALLED, LastState("0", "fp")).events) == 1
    every = replace(MAPPING, emit_on="every_change")
    assert len(run(CALLED, LastState("1", "fp"), every).events) == 1


def test_rows_the_mapping_cannot_translate_are_quarantined_with_the_reason():
    cases = {
        "status_antrian": ("7", "unknown_status: '7' (mapped: 0, 1, 2, 3, 9)"),
        "kd_puskesmas": ("XYZ", "unmapped_value: kd_puskesmas='XYZ'"),
        "jam_panggil": ("31/02/2026 08:15:03", "bad_date: jam_panggil='31/02/2026 08:15:03' is not %d/%m/%Y %H:%M:%S"),
        "no_antrian": ("-", "blank_no_antrian: required for queue_number"),
        "loket": ("2\x00", "control_characters_in_loket: '2\\\\x00'"),
    }
    for column, (value, reason) in cases.items():
        result = run({**CALLED, column: value})
        assert result == Quarantine(reason), column
    assert run({**CALLED, "tgl_update": datetime(9999, 12, 31)}) == Quarantine(
        "implausible_timestamp: tgl_update=9999-12-31 00:00:00")
    assert run({**CALLED, "no_antrian": "A" * 10}).events  # plain text goes through as written


def test_a_field_dated_in_year_one_or_9999_is_refused_never_passed_on():
    for value in ("01/01/0001 00:00:00", "31/12/9999 23:59:59"):
        result = run({**CALLED, "jam_panggil": value})
        assert result == Quarantine(f"implausible_date: jam_panggil={value!r} is outside 1900 … 2100"), value


def test_blank_optional_fields_are_left_out():
    [event] = run({**CALLED, "loket": "", "kd_poli": None}).events
    assert (event.counter, event.clinic) == (None, None)


def test_the_fingerprint_covers_every_column_and_tells_null_from_blank():
    assert fingerprint(CALLED) == fingerprint(dict(reversed(list(CALLED.items()))))
    assert fingerprint({**CALLED, "loket": None}) != fingerprint({**CALLED, "loket": ""})
    assert fingerprint({**CALLED, "nama_pasien": "Siti"}) != fingerprint(CALLED)


def test_a_status_column_the_table_lacks_is_named_in_every_row_s_reason():
    row = {k: v for k, v in CALLED.items() if k != "status_antrian"}
    assert run(row) == Quarantine("missing_column: status_antrian")

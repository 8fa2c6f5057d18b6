"""A mapping file is checked at start: each kind of mistake is refused naming the file, the line and the reason."""

from pathlib import Path

import pytest

from palapa.bridge_mapped.mapping import load, load_folder
from palapa.bridge_mapped.yamlnodes import MappingError
from palapa.contracts.events import QueueTicketCalled

EXAMPLE = Path(__file__).parents[4] / "deploy" / "bridges" / "puskesmas-antrian.yaml"
ENV = {"PUSKESMAS_DATABASE_URL": "postgresql://postgres@127.0.0.1:5/puskesmas"}


def write(tmp_path: Path, text: str, name: str = "app.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def changed(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text, old
    return write(tmp_path, text.replace(old, new, 1))


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def refused(path: Path, env=ENV) -> list[str]:
    with pytest.raises(MappingError) as caught:
        load(path, env)
    return [str(p) for p in caught.value.problems]


def test_the_puskesmas_example_maps_queue_calls_to_queue_ticket_called():
    m = load(EXAMPLE, ENV)
    assert (m.app_id, m.event, m.key, m.source.table) == (
        "puskesmas-antrian",
        QueueTicketCalled,
        "ticket",
        "antrian_pasien",
    )
    assert m.status.actions["1"] == "emit" and m.fields["ticket"].prefix == "PKM-"
    assert m.fields["called_at"].date_format == "%d/%m/%Y %H:%M:%S"
    assert m.source.database_url == "postgresql+asyncpg://postgres@127.0.0.1:5/puskesmas"


def test_an_unknown_field_of_the_event_is_refused_at_its_line(tmp_path):
    path = changed(tmp_path, "  counter: loket", "  loket_no: loket")
    assert refused(path) == [
        f"{path}:{line_of(path, 'loket_no')}: unknown field 'loket_no' of QueueTicketCalled "
        "(its fields: ticket, source_app, source_ref, facility, queue_number, clinic, counter, called_at)"
    ]


def test_a_value_of_the_wrong_type_for_its_field_is_refused(tmp_path):
    path = changed(tmp_path, "  called_at: {column: jam_panggil, date_format: \"%d/%m/%Y %H:%M:%S\"}",
                   "  called_at: {value: kemarin sore}")
    [problem] = refused(path)
    assert problem.startswith(f"{path}:{line_of(path, 'kemarin sore')}: wrong type for field 'called_at' of "
                              "QueueTicketCalled (datetime): 'kemarin sore'")


def test_a_mapped_value_of_the_wrong_type_is_refused_at_the_map_entry(tmp_path):
    path = changed(tmp_path, "  called_at: {column: jam_panggil, date_format: \"%d/%m/%Y %H:%M:%S\"}",
                   "  called_at:\n    column: jam_panggil\n    map:\n      PAGI: jam tujuh")
    [problem] = refused(path)
    assert problem.startswith(f"{path}:{line_of(path, 'jam tujuh')}: wrong type for field 'called_at'")


def test_an_unknown_event_is_refused(tmp_path):
    path = changed(tmp_path, "event: QueueTicketCalled", "event: AntrianDipanggil")
    assert refused(path)[0] == (f"{path}:{line_of(path, 'event: Antrian')}: unknown event 'AntrianDipanggil' "
                                "(a contract event's class name, e.g. QueueTicketCalled, or its type)")


def test_an_event_may_be_named_by_its_type(tmp_path):
    path = changed(tmp_path, "event: QueueTicketCalled", "event: palapa.health.queue_ticket_called.v1")
    assert load(path, ENV).event is QueueTicketCalled


def test_a_status_with_no_mapping_is_refused(tmp_path):
    path = changed(tmp_path, '    "2": skip ', '    "2":      ')
    at = line_of(path, '"2":')
    assert refused(path) == [f"{path}:{at}: status '2' has no mapping: nothing given, emit or skip expected"]
    path = changed(tmp_path, '    "9": skip ', '    "9": kirim')
    at = line_of(path, '"9": kirim')
    assert refused(path) == [f"{path}:{at}: status '9' has no mapping: 'kirim' given, emit or skip expected"]


def test_an_emitted_status_missing_from_a_map_of_the_status_column_is_refused(tmp_path):
    path = changed(tmp_path, "  counter: loket", "  counter: {column: status_antrian, map: {'2': Loket 2}}")
    assert refused(path) == [
        f"{path}:{line_of(path, 'Loket 2')}: status '1' has no mapping in the map of field 'counter'"
    ]


def test_a_missing_required_field_is_refused_at_the_fields_line(tmp_path):
    path = changed(tmp_path, "  queue_number: no_antrian\n", "")
    assert refused(path) == [
        f"{path}:{line_of(path, 'fields:')}: missing required field 'queue_number' of QueueTicketCalled"
    ]


def test_a_yaml_syntax_error_is_refused_with_its_line(tmp_path):
    path = changed(tmp_path, "  queue_number: no_antrian", "  queue_number: [no_antrian")
    [problem] = refused(path)
    assert problem.startswith(f"{path}:") and "YAML syntax error" in problem
    assert int(problem.split(":")[1]) >= line_of(path, "[no_antrian")


def test_a_date_format_prefix_and_key_must_suit_their_field(tmp_path):
    path = changed(tmp_path, "  counter: loket", "  counter: {column: loket, date_format: '%H'}")
    assert refused(path) == [f"{path}:{line_of(path, 'counter:')}: fields.counter: date_format needs a date or time "
                             "field, 'counter' is str"]
    path = changed(tmp_path, "prefix: PKM-", "prefix: pkm_")
    assert refused(path) == [f"{path}:{line_of(path, 'pkm_')}: ticket prefix 'pkm_' does not make a ticket "
                             "(e.g. 'PKM-' → PKM-12)"]
    path = changed(tmp_path, "key: ticket", "key: nomor")
    assert refused(path) == [f"{path}:{line_of(path, 'key: nomor')}: key 'nomor' is no field of QueueTicketCalled"]
    path = changed(tmp_path, 'date_format: "%d/%m/%Y %H:%M:%S"', 'date_format: "dd/mm/yyyy"')
    assert "is not a date format" in refused(path)[0]


def test_source_settings_are_checked(tmp_path):
    path = changed(tmp_path, "  table: antrian_pasien", "  table: antrian; DROP TABLE x")
    assert refused(path) == [f"{path}:{line_of(path, 'DROP')}: source.table 'antrian; DROP TABLE x' is not a plain "
                             "SQL name (letters, digits, _)"]
    path = changed(tmp_path, "  timezone: Asia/Jakarta", "  timezone: Asia/Mojokerto")
    assert refused(path) == [f"{path}:{line_of(path, 'Mojokerto')}: unknown time zone 'Asia/Mojokerto'"]
    path = write(tmp_path, EXAMPLE.read_text())
    assert refused(path, env={}) == [f"{path}:{line_of(path, 'database_url')}: environment variable "
                                     "PUSKESMAS_DATABASE_URL is not set"]
    path = changed(tmp_path, "  every_seconds: 0.5", "  every_seconds: sering")
    assert refused(path) == [f"{path}:{line_of(path, 'sering')}: schedule.every_seconds must be a number, not 'sering'"]


def test_every_problem_of_a_file_is_listed_and_a_typo_in_a_setting_is_caught(tmp_path):
    text = EXAMPLE.read_text().replace("event: QueueTicketCalled", "evnt: QueueTicketCalled")
    path = write(tmp_path, text.replace("  counter: loket", "  loket_no: loket"))
    problems = refused(path)
    assert any(p.startswith(f"{path}:{line_of(path, 'evnt:')}: unknown setting 'evnt'") for p in problems)
    assert any(p.endswith("'event' is missing") for p in problems)
    text = EXAMPLE.read_text().replace("  counter: loket", "  loket_no: loket").replace("prefix: PKM-", "prefix: pkm")
    problems = refused(write(tmp_path, text))
    assert [p.split(": ", 1)[1].split(" ")[:2] for p in problems] == [["ticket", "prefix"], ["unknown", "field"]]


def test_a_folder_is_refused_with_the_problems_of_every_bad_file_and_one_app_id_bridged_once(tmp_path):
    write(tmp_path, EXAMPLE.read_text(), "a.yaml")
    write(tmp_path, EXAMPLE.read_text(), "b.yml")
    write(tmp_path, "app_id: [", "c.yaml")
    with pytest.raises(MappingError) as caught:
        load_folder(tmp_path, ENV)
    text = str(caught.value)
    assert (
        f"{tmp_path / 'c.yaml'}:1: YAML syntax error" in text or f"{tmp_path / 'c.yaml'}:2: YAML syntax error" in text
    )
    assert f"{tmp_path / 'b.yml'}:1: app_id 'puskesmas-antrian' is also bridged by {tmp_path / 'a.yaml'}" in text
    (tmp_path / "b.yml").unlink()
    (tmp_path / "c.yaml").unlink()
    assert [m.app_id for m in load_folder(tmp_path, ENV)] == ["puskesmas-antrian"]


def test_odd_files_are_refused_not_crashed_on(tmp_path):
    assert refused(write(tmp_path, "")) == [f"{tmp_path / 'app.yaml'}:1: empty file"]
    assert refused(write(tmp_path, "- a\n- b\n")) == [
        f"{tmp_path / 'app.yaml'}:1: the file must be a mapping (key: value lines)"
    ]
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"app_id: \xff\xfe")
    assert refused(path) == [f"{path}:1: not UTF-8 text (byte 8)"]


def test_the_check_command_validates_a_folder_without_starting(tmp_path, capsys, monkeypatch):
    from palapa.bridge_mapped.main import check

    monkeypatch.setenv("PUSKESMAS_DATABASE_URL", ENV["PUSKESMAS_DATABASE_URL"])
    write(tmp_path, EXAMPLE.read_text(), "puskesmas.yaml")
    assert check(tmp_path) == 0
    assert "puskesmas.yaml: ok: puskesmas-antrian → QueueTicketCalled" in capsys.readouterr().out
    write(tmp_path, EXAMPLE.read_text().replace("event: QueueTicketCalled", "event: Antrian"), "puskesmas.yaml")
    assert check(tmp_path) == 1
    assert f"{tmp_path / 'puskesmas.yaml'}:" in capsys.readouterr().err


def test_a_secret_named_in_a_mapping_is_also_read_from_its_file(tmp_path):
    secret = tmp_path / "legacy-database-url"
    secret.write_text("postgresql://postgres:s3cret@127.0.0.1:5/puskesmas\n")
    m = load(EXAMPLE, {"PUSKESMAS_DATABASE_URL_FILE": str(secret)})
    assert m.source.database_url == "postgresql+asyncpg://postgres:s3cret@127.0.0.1:5/puskesmas"
    assert refused(EXAMPLE, env={"PUSKESMAS_DATABASE_URL_FILE": str(tmp_path / "absent")})[0].endswith(
        f"PUSKESMAS_DATABASE_URL_FILE: cannot read {tmp_path / 'absent'} (No such file or directory)")

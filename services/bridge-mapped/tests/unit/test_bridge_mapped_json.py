"""A JSON endpoint as a mapping's source: the source section checked, bodies read into records (pure)."""

from datetime import datetime
from pathlib import Path

import pytest

from palapa.bridge_mapped.jsonsource import parse
from palapa.bridge_mapped.mapping import load
from palapa.bridge_mapped.sourcespec import JsonSource
from palapa.bridge_mapped.yamlnodes import MappingError
from palapa.bridgekit.restpoll import TokenPosition
from palapa.kit.clock import zone

WIB = zone("Asia/Jakarta")
NOW = datetime(2026, 11, 26, 9, 0)
MAPPING = """\
app_id: antrian-rsud
opd: RSUD
source:
  url: ${RSUD_API}/api/antrian
  items: data.antrian
  id_field: id
  timestamp_field: diubah
  timestamp_format: "%Y-%m-%d %H:%M:%S"
  next: data.next
  more: data.more
  cursor_param: setelah
event: QueueTicketCalled
key: ticket
status: {column: status, values: {MENUNGGU: skip, DIPANGGIL: emit}}
fields:
  ticket: {column: id, prefix: RSUD-}
  source_app: {value: antrian-rsud}
  source_ref: id
  facility: {value: RSUD dr. Wahidin Sudiro Husodo}
  queue_number: nomor
  clinic: poli.nama
  called_at: {column: dipanggil, date_format: "%Y-%m-%d %H:%M:%S"}
"""
SOURCE = JsonSource(url="http://x/api", items="data.antrian", id_field="id", timestamp_field="diubah",
                    timestamp_format="%Y-%m-%d %H:%M:%S", next="data.next", more="data.more")


def test_a_json_endpoint_mapping_is_read_with_its_paths(tmp_path):
    path = tmp_path / "rsud.yaml"
    path.write_text(MAPPING)
    m = load(path, {"RSUD_API": "http://127.0.0.1:9"})
    assert m.source == JsonSource(url="http://127.0.0.1:9/api/antrian", items="data.antrian", id_field="id",
                                  timestamp_field="diubah", timestamp_format="%Y-%m-%d %H:%M:%S", next="data.next",
                                  more="data.more", cursor_param="setelah")
    assert m.fields["clinic"].column == "poli.nama"


def test_json_source_mistakes_are_refused_at_their_line(tmp_path):
    path = tmp_path / "rsud.yaml"
    path.write_text(MAPPING.replace("  items: data.antrian", "  items: data..antrian\n  table: antrian"))
    with pytest.raises(MappingError) as caught:
        load(path, {"RSUD_API": "ftp://h"})
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:4: source.url must be an http(s) address",
        f"{path}:5: source.items 'data..antrian' is not a key path (e.g. data or result.items)",
        f"{path}:6: unknown source setting 'table' for a JSON endpoint (known: cursor_param, id_field, items, more, "
        "next, timestamp_field, timestamp_format, timezone, url)",
    ]


def test_a_page_becomes_records_with_the_position_after_it_and_bad_items_still_become_records():
    body = {"data": {"next": "c-2", "more": True, "antrian": [
        {"id": 7, "nomor": "A-007", "status": "DIPANGGIL", "diubah": "2026-11-26 08:30:00",
         "poli": {"nama": "Poli Anak"}},
        {"id": 8, "status": "MENUNGGU", "diubah": "kemarin"},
        {"nomor": "A-009"},
        "sampah",
    ]}}
    page = parse(SOURCE, "status", body, TokenPosition("c-1"), WIB, NOW)
    assert (page.next, page.more) == (TokenPosition("c-2"), True)
    first, bad_time, no_id, not_object = page.records
    assert (first.source_id, first.status, first.changed_at) == ("7", "DIPANGGIL", datetime(2026, 11, 26, 8, 30))
    assert first.item.values["poli.nama"] == "Poli Anak" and first.item.problem is None
    assert bad_time.item.problem == "bad_timestamp: diubah='kemarin'" and bad_time.changed_at == NOW
    assert no_id.item.problem == "bad_timestamp: diubah=None" and no_id.source_id.startswith("invalid-")
    assert not_object.item.problem == "not_an_object"
    with pytest.raises(ValueError, match="no list at 'data.antrian'"):
        parse(SOURCE, "status", {"data": {}}, TokenPosition(), WIB, NOW)


def test_without_a_next_path_the_whole_list_is_read_every_time():
    whole = JsonSource(url="http://x/api", id_field="id")
    page = parse(whole, "status", [{"id": "A1", "status": "1"}], TokenPosition(), WIB, NOW)
    assert (page.next, page.more, page.records[0].source_id, page.records[0].changed_at) == (TokenPosition(), False,
                                                                                               "A1", NOW)


def test_the_example_folder_holds_only_valid_mappings():
    assert load(Path(__file__).parents[4] / "deploy" / "bridges" / "puskesmas-antrian.yaml",
                {"PUSKESMAS_DATABASE_URL": "postgresql://h/db"}).app_id == "puskesmas-antrian"

"""The protocol module: the row fingerprint keeps every bridge's stored digests byte for byte; source time to UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from palapa.bridgekit.protocol import as_local, as_utc, fingerprint, source_zone

# Digests made by each bridge's own fingerprint function before they moved here (row_state holds such digests:
# a different one for the same row would make a bridge handle every row again after an upgrade).
CURHAT_ROW = {"id_pengaduan": "7", "isi_laporan": "Jalan rusak ✓", "kategori": "jalan", "lokasi": "Kel. Kauman",
              "nama_pelapor": "Siti “Ani”", "nik": "3576010101010001", "no_hp": None, "status": "0",
              "tgl_lapor": "26/11/2026 08:00", "tgl_update": "2026-11-26 08:00:05"}
SIMAKEL_ROW = {"id": "3101", "nama": "Dewi Ayu é", "kode_status": None, "tgl": "2026-11-26 16:30"}
MAPPED_ROW = {"id_antrian": "42", "nama_pasien": "Siti é", "loket": None, "tgl_update": "2026-11-26 16:30:00",
              "b": "\ufffd"}
PSC119_ITEM = {"id_insiden": 20461, "kode_status": "2", "nama_penelepon": "Budi é", "x": [1, {"y": None}],
               "t": datetime(2026, 1, 1)}
CCTV_ROWS = [{"kode_kamera": "CCTV-001", "nama_lokasi": "Simpang é"}, 3]
PBB_PAYMENT = {"id": "7", "nop": "35.76.010.001.000-0000.0", "thn_pajak_sppt": "2026", "jml_bayar": "1250000",
               "tgl_pembayaran": "2026-11-26T09:00:00", "tgl_rekam": "2026-11-26T09:00:01"}


@pytest.mark.parametrize(("value", "encoding", "digest"), [
    (CURHAT_ROW, "json-ascii", "1f738722f9ed7b5b9a485b068dd91c6bc7e4d9009b1783200cbc42b47456758e"),
    (SIMAKEL_ROW, "json-ascii", "3aa180cfee808b29398227b5ffc75eb76e3e03d3497411f654128e1ecc2b0c90"),
    (MAPPED_ROW, "json-compact", "33c0549d70cf9cd91e3cc048d636c38d80ba1e11f5bfdfa74a3603352a59b466"),
    (PSC119_ITEM, "json", "d807ee20db341a3c8c2b9d10640e7282fdffa6e1394aed0a06fee6d437fad077"),
    (CCTV_ROWS, "json", "94bcb43a4caece40525c757b57102c397b18469fa07906074b58b06d90a33783"),
    (PBB_PAYMENT, "repr-items", "9deac6dc7e4b164b4e672c705ba26464633c3b283973bb8e4cfaeb3606518930"),
], ids=["curhat", "simakel", "mapped", "psc119", "cctv", "pbb-payments"])
def test_each_bridges_fingerprint_is_the_digest_it_stored_before(value, encoding, digest):
    assert fingerprint(value, encoding) == digest


@pytest.mark.parametrize("encoding", ["json", "json-ascii", "json-compact", "repr-items"])
def test_a_fingerprint_ignores_column_order_and_tells_null_from_blank(encoding):
    row = {"a": "1", "b": None}
    assert fingerprint(row, encoding) == fingerprint(dict(reversed(row.items())), encoding)
    assert fingerprint(row, encoding) != fingerprint({**row, "b": ""}, encoding)


def test_a_lone_surrogate_is_fingerprinted_not_a_crash():
    assert len(fingerprint({"x": "\ud800"})) == 64


def test_an_unknown_encoding_is_refused():
    with pytest.raises(ValueError, match="unknown fingerprint encoding"):
        fingerprint({}, "yaml")  # type: ignore[arg-type]


@pytest.mark.parametrize(("zone", "hours"), [("WIB", 7), ("WITA", 8), ("WIT", 9), ("Asia/Makassar", 8)])
def test_a_naive_local_time_is_read_in_the_sources_zone(zone, hours):
    at = as_utc(datetime(2026, 11, 26, 16, 30), source_zone(zone))
    assert at == datetime(2026, 11, 26, 16 - hours, 30, tzinfo=UTC)
    assert as_local(at, source_zone(zone)) == datetime(2026, 11, 26, 16, 30)


def test_an_aware_time_keeps_its_own_offset():
    aware = datetime(2026, 11, 26, 16, 30, tzinfo=timezone(timedelta(hours=9)))
    assert as_utc(aware, source_zone("WIB")) == datetime(2026, 11, 26, 7, 30, tzinfo=UTC)


def test_an_unknown_zone_is_refused():
    with pytest.raises(ValueError, match="unknown time zone"):
        source_zone("Mars/Olympus")

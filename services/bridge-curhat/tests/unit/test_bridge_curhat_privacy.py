"""Masking of personal data in what leaves the bridge: quarantine events and log lines."""

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from palapa.bridge_curhat.privacy import (
    FIELD_CHARS,
    initials,
    mask_nik_field,
    mask_phone,
    mask_row,
    mask_text,
    quote,
    safe_text,
)
from palapa.bridge_curhat.translate import LegacyRow

RECORDED = json.loads((Path(__file__).parent / "curhat_rows.json").read_text())["rows"]
# anything that still looks like a NIK or a phone number once masked is a leak
LEAK = re.compile(r"\d{5,}|\d{4}[ .-]\d{4}")


def row_of(data: dict) -> dict:
    return LegacyRow(**{**data, "tgl_update": datetime.fromisoformat(data["tgl_update"])}).as_strings()


def test_a_recorded_quarantined_row_is_published_masked():
    row = row_of({**RECORDED[0]["row"], "isi_laporan": "Hubungi saya di 0812-3456-7890, NIK 3576 0123 4567 0002."})
    assert mask_row(row) == {
        "id_pengaduan": "1042", "nik": "3576********0002", "nama_pelapor": "S. A.", "no_hp": "*********890",
        "isi_laporan": "Hubungi saya di *********890, NIK 3576********0002.", "kategori": "Jalan Rusak ",
        "lokasi": "Jl. Empunala Kranggan", "status": "0", "tgl_lapor": "2026-11-20 08:30:00",
        "tgl_update": "2026-11-20 08:30:05",
    }


@pytest.mark.parametrize("case", RECORDED, ids=lambda c: str(c["row"]["id_pengaduan"]))
def test_no_recorded_row_leaks_a_nik_a_phone_or_a_name_once_masked(case):
    masked = mask_row(row_of(case["row"]))
    for name, value in masked.items():
        if name not in ("tgl_lapor", "tgl_update") and value is not None:
            assert not LEAK.search(value), (name, value)
    name = case["row"]["nama_pelapor"]
    if name and len(name.strip()) > 1:
        assert name.strip() not in (masked["nama_pelapor"] or "")


def test_a_nik_typed_into_the_wrong_column_is_masked_there():
    row = row_of({**RECORDED[1]["row"], "nama_pelapor": "3576024108850003", "kategori": "3576024108850003",
                  "isi_laporan": "nik:3576024108850003", "nik": "Budi Santoso", "no_hp": "3576024108850003"})
    masked = mask_row(row)
    assert masked["nama_pelapor"] == "*"
    assert masked["kategori"] == "3576********0003"
    assert masked["isi_laporan"] == "nik:3576********0003"
    assert masked["nik"] == "**** *******"
    assert masked["no_hp"] == "*************003"


@pytest.mark.parametrize(
    ("value", "masked"),
    [("3576 0123 4567 0002", "3576********0002"), ("3576-0154-0890-0011", "3576-****-****-0011"),
     ("3576 0154 0890", "3576 **** 0890"), ("0812", "****"), ("-", "-"), ("", ""), (None, None)],
)
def test_the_nik_column_keeps_at_most_the_first_and_last_four_digits(value, masked):
    assert mask_nik_field(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("081234567890", "*********890"), ("+6285712345678", "+**********678"), ("0812-3456-7890", "****-****-*890"),
     ("0812", "*812"), ("-", "-"), ("hubungi RT", "******* **"), (None, None)],
)
def test_the_phone_column_keeps_the_last_three_digits(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [("Siti Aminah", "S. A."), (" Rina  Wulandari ", "R. W."), ("BUDI", "B."), ("-", "-"), ("", ""), (None, None),
     ("3576012345670002", "*"), ("Hj. 'Ani'", "H. *")],
)
def test_a_name_becomes_initials(name, masked):
    assert initials(name) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("NIK 3576012345670002 a.n. Siti", "NIK 3576********0002 a.n. Siti"),
        ("nik 3576.0123.4567.0002", "nik 3576********0002"),
        ("KK 35760123456700021234", "KK 3576************1234"),
        ("wa 081234567890 / 0857-1234-5678 / +62 812 3456 7890 / 6281234567890",
         "wa *********890 / *********678 / +**********890 / **********890"),
        ("email siti.aminah@gmail.com", "email s***@gmail.com"),
        # what is not personal stays readable: dates, times, short numbers, RT/RW
        ("20/11/2026 08:30, 2026-11-20 08:30:00, 08-11-2026", "20/11/2026 08:30, 2026-11-20 08:30:00, 08-11-2026"),
        ("RT 02 RW 05 no. 17, Rp 150.000", "RT 02 RW 05 no. 17, Rp 150.000"),
    ],
)
def test_nik_and_phone_runs_are_masked_in_any_text(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked  # masking twice changes nothing


def test_a_log_line_is_printable_masked_and_short():
    text = "a\x00b \ud800 3576012345670002 " + "x" * 5000
    line = safe_text(text, 100)
    assert line == "a\\x00b \\ud800 3576********0002 … [cut: 5,023 characters]"
    line.encode()  # lone surrogates shown, not kept


def test_a_cut_never_leaves_half_a_nik_readable():
    text = "x" * 90 + " 3576 0123 4567 0002 lanjut"
    assert "0123" not in safe_text(text, 100)
    assert "0123" not in quote(text, 100)


def test_a_huge_field_is_cut_in_the_published_row():
    row = row_of({**RECORDED[0]["row"], "isi_laporan": "3576012345670002 " * 200_000, "lokasi": "\x00" * 10_000})
    masked = mask_row(row)
    assert len(masked["isi_laporan"]) < FIELD_CHARS + 100 and "0123" not in masked["isi_laporan"]
    assert len(json.dumps(masked)) < 50_000

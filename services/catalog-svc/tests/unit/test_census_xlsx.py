"""The census read from XLSX sheets built here with openpyxl: same rows, same refusals, sheet row numbers."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from palapa.catalog.census.parse import CensusFileError
from palapa.catalog.census.xlsx import MAX_ROWS, parse_any, parse_xlsx, text


def xlsx(*rows, at: dict[int, list] | None = None) -> bytes:
    """A workbook whose first sheet holds the rows (None for an empty row) and, at given row numbers, more rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row or [], start=1):
            sheet.cell(row=number, column=column, value=value)
    for number, row in (at or {}).items():
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)
    book.create_sheet("Catatan")["A1"] = "not read: only the first sheet is the census"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["NO", "nama aplikasi", "OPD  Pengelola", "Alamat URL", "Jenis Aplikasi", "Sasaran Pengguna",
          "Bidang Layanan", "Status", "Keterangan", None, None]


def test_a_good_sheet_reads_like_the_csv_with_numbers_and_dates_as_text():
    census = parse_xlsx(xlsx(
        HEADER,
        [1, "E-Health", "Dinas Kesehatan", "https://ehealth.surabaya.go.id", "Layanan Publik", "Masyarakat",
         "Kesehatan", "Aktif", dt.datetime(2024, 3, 1)],
        [2.0, "Si Cantik", "BKPSDM", None, "Administrasi Pemerintahan", "Internal Pemerintah", "Kepegawaian",
         "Tidak Aktif", 12.5],
        [3, "Profil Kota", "Diskominfo", None, "Website Profil", "Masyarakat", None, "aktif", None],
        None, None,  # empty trailing rows
    ))
    assert census.refused == [] and census.format == "xlsx"
    assert [(a.name, a.kind, a.audience, a.lifecycle, a.field, a.super_app, a.description) for a in census.apps] == [
        ("E-Health", "layanan publik", "warga", "aktif", "kesehatan", "wargaku", "2024-03-01"),
        ("Si Cantik", "administrasi pemerintahan", "pegawai", "dorman", "kepegawaian", None, "12.5"),
        ("Profil Kota", "website profil", "warga", "aktif", None, None, ""),
    ]


def test_bad_rows_are_refused_with_their_sheet_row_number_and_reason():
    census = parse_any(xlsx(
        None, None,  # rows 1-2 blank above the header
        HEADER,                                                                                       # row 3
        [1, "Sapa", "Diskominfo", None, "Aplikasi Seluler", "Masyarakat", "Pengaduan", "Aktif"],      # row 4
        [2, None, "Dinas Sosial", None, "Layanan Publik", "Masyarakat", "Kemiskinan", "Aktif"],       # row 5
        None,                                                                                         # row 6
        [4, "Lapor", "DSDABM", 42, "Layanan Publik", "Masyarakat", "Pengaduan", "Aktif"],             # row 7
        [5, "E-Kinerja", "BKPSDM", None, "Administrasi Pemerintahan", "Internal Pemerintah", "SDM", "Aktif",
         None, "lebih", "kolom"],                                                                     # row 8
        [6, "Lapor Jalan", "DSDABM", None, "Layanan Publik", "Masyarakat", "Pengaduan", "Aktif"],     # row 9
        [7, " lapor jalan", "dsdabm", None, "Layanan Publik", "Masyarakat", "Pengaduan", "Aktif"],    # row 10
        [8, "Status Tanggal", "Dispenduk", None, "Layanan Publik", "Masyarakat", "Kependudukan",
         dt.date(2024, 1, 2)],                                                                        # row 11
    ))
    assert [(r.line, r.reason.split(" (")[0]) for r in census.refused] == [
        (4, "Jenis Aplikasi 'Aplikasi Seluler' tidak dikenal"),
        (5, "Nama Aplikasi kosong"),
        (7, "Alamat URL '42' bukan alamat http(s) yang sah"),
        (8, "Jumlah kolom 11, seharusnya 9"),
        (10, "Duplikat baris 9"),
        (11, "Status '2024-01-02' tidak dikenal"),
    ]
    assert [a.name for a in census.apps] == ["Lapor Jalan"]


def test_a_sheet_with_data_beyond_the_row_limit_is_refused_but_empty_rows_far_below_are_not():
    with pytest.raises(CensusFileError, match="lebih dari 20.000 baris"):
        parse_xlsx(xlsx(HEADER, at={MAX_ROWS + 1: [9, "Jauh", "OPD", None, "Layanan Publik"]}))
    far = xlsx(HEADER, [1, "Sapa", "Diskominfo", None, "Layanan Publik", "Masyarakat", "Pengaduan", "Aktif"],
               at={MAX_ROWS + 5: [None, ""]})
    assert [a.name for a in parse_xlsx(far).apps] == ["Sapa"]


def _zip(**members: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in members.items():
            archive.writestr(name.replace("__", "/").replace("_xml", ".xml"), body)
    return out.getvalue()


@pytest.mark.parametrize(("data", "why"), [
    (xlsx(HEADER)[:300], "rusak"),                                            # cut short in transit
    (b"PK\x03\x04" + b"\x00" * 200, "rusak"),                                 # zip magic, nothing behind it
    (_zip(hello_xml=b"<a/>"), "rusak"),                                       # a zip that is no workbook
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "kata sandi"),      # encrypted XLSX / old XLS
    (xlsx(["judul"], ["No", "Nama"]), "Kepala kolom"),
    (xlsx(None, None), "kosong"),
])
def test_a_corrupt_locked_or_foreign_workbook_is_refused_whole(data, why):
    with pytest.raises(CensusFileError, match=why):
        parse_any(data)


def test_broken_xml_inside_a_real_workbook_is_refused_not_raised():
    good = xlsx(HEADER)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info, body[: len(body) // 2] if info.filename.endswith("sheet1.xml") else body)
    with pytest.raises(CensusFileError, match="rusak"):
        parse_xlsx(out.getvalue())


@pytest.mark.parametrize(("value", "shown"), [
    (None, ""), (7.0, "7"), (0.1, "0.1"), (3, "3"), (True, "Ya"),
    (dt.datetime(2024, 5, 6, 7, 8), "2024-05-06 07:08:00"),
    (dt.time(9, 30), "09:30:00"), (" Aktif ", " Aktif "),
])
def test_cells_become_the_text_an_opd_typed(value, shown):
    assert text(value) == shown

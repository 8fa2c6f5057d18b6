"""The census parser and the report with no fixtures: bad rows named by line and reason, Surabaya's figures."""

from pathlib import Path

import pytest

from palapa.catalog.census.parse import CensusFileError, app_id, parse
from palapa.catalog.report.figures import report

SAMPLE = Path(__file__).parents[2] / "data" / "surabaya-census.csv"
HEADER = "no ; NAMA  APLIKASI;opd pengelola;Alamat URL;jenis aplikasi;Sasaran Pengguna;Bidang Layanan;STATUS;Keterangan"
GOOD = "1;E-Health;Dinas Kesehatan;https://ehealth.surabaya.go.id;Layanan Publik;Masyarakat;Kesehatan;Aktif;"

BAD_ROWS = [
    HEADER.encode(),
    GOOD.encode(),                                                                                # line 2
    b"3;Sapa Kota;Diskominfo;;Aplikasi Seluler;Masyarakat;Pengaduan;Aktif;",              # line 3
    b"4;  ;Dinas Sosial;;Layanan Publik;Masyarakat;Kemiskinan;Aktif;",                    # line 4
    b"5;Si Cantik;BKPSDM;Administrasi Pemerintahan;Internal Pemerintah;Kepegawaian;Aktif",  # line 5: 7 cells
    "6;Pendaftaran Café Warga;Disbudporapar;;Layanan Publik;Masyarakat;Pariwisata;Aktif;".encode("latin-1"),
    "7;Lapor Jalan;DSDABM;;Layanan Públik;Masyarakat;Pengaduan;Aktif;".encode("latin-1"),
    b"",                                                                                          # line 8: blank
    b"9;E-Kinerja;BKPSDM;;Administrasi Pemerintahan;Internal Pemerintah;Kepegawaian;Mati;",
    b"10; e-health ;DINAS  KESEHATAN;;Layanan Publik;Masyarakat;Kesehatan;Aktif;",        # line 10: dup of 2
    b"11;Arsip;Sekretariat Daerah;ftp://arsip;Administrasi Pemerintahan;Internal Pemerintah;Persuratan;Aktif;",
    '12;SIPD;Bappeda;;Administrasi Pemerintahan;Internal Pemerintah;Perencanaan;Aktif;"dua\nbaris — catatan"'.encode(),
    b"14;Sobat;Dinas Sosial;;Layanan Publik;Warga;Kemiskinan;Aktif;",                     # line 14
]


def test_every_bad_row_is_refused_with_its_line_and_reason():
    census = parse(b"\r\n".join(BAD_ROWS))
    assert [(r.line, r.reason.split(" (")[0]) for r in census.refused] == [
        (3, "Jenis Aplikasi 'Aplikasi Seluler' tidak dikenal"),
        (4, "Nama Aplikasi kosong"),
        (5, "Jumlah kolom 7, seharusnya 9"),
        (7, "Jenis Aplikasi 'Layanan Públik' tidak dikenal"),
        (9, "Status 'Mati' tidak dikenal"),
        (10, "Duplikat baris 2"),
        (11, "Alamat URL 'ftp://arsip' bukan alamat http(s) yang sah"),
        (14, "Sasaran Pengguna 'Warga' tidak dikenal"),
    ]
    assert [a.name for a in census.apps] == ["E-Health", "Pendaftaran Café Warga", "SIPD"]
    assert (census.encoding, census.delimiter) == ("campuran", ";")
    assert "Layanan Publik, Administrasi Pemerintahan, Website Profil" in census.refused[0].reason


def test_a_comma_separated_latin1_file_is_read():
    text = ("No,Nama Aplikasi,OPD Pengelola,Alamat URL,Jenis Aplikasi,Sasaran Pengguna,Bidang Layanan,Status,"
            "Keterangan\n")
    text += '1,"Café, Kota",Disbudporapar,,Website Profil,Masyarakat,,Tidak Aktif,lama\n'
    census = parse(text.encode("latin-1"))
    assert census.refused == [] and (census.encoding, census.delimiter) == ("latin-1", ",")
    app = census.apps[0]
    assert (app.name, app.kind, app.audience, app.lifecycle, app.field, app.super_app) == (
        "Café, Kota", "website profil", "warga", "dorman", None, None)


@pytest.mark.parametrize(("data", "why"), [
    (b"", "kosong"), (b"\n \n", "kosong"), (b"PK\x03\x04xlsx", "XLSX"), (b"No;Nama\x00", "NUL"),
    (b"No;Nama Aplikasi;OPD\n1;x;y", "Kepala kolom"),
])
def test_a_file_that_is_no_census_is_refused_whole(data, why):
    with pytest.raises(CensusFileError, match=why):
        parse(data)


def test_the_app_id_is_stable_across_spelling_of_case_and_spaces():
    assert app_id("E-Health", "Dinas Kesehatan") == app_id(" e-health", "DINAS  KESEHATAN")
    assert app_id("E-Health", "Dinas Kesehatan") != app_id("E-Health", "Dinas Sosial")
    assert app_id("E-Health", "Dinas Kesehatan").startswith("e-health-")
    assert app_id("سلام", "x").startswith("app-")


def test_the_sample_census_reproduces_surabayas_published_figures():
    census = parse(SAMPLE.read_bytes())
    assert census.refused == []
    r = report(census.apps)
    assert r["total"] == 322
    assert r["by_audience"] == {"pegawai": 212, "warga": 110}
    assert {k: r["service_apps"][k] for k in ("total", "active", "inactive")} == {
        "total": 286, "active": 217, "inactive": 69}
    assert r["profile_websites"] == {"total": 36, "active": 32, "inactive": 4}
    assert r["service_apps"]["active_in_public_fields"] == {"total": 65, "by_field": {
        "kesehatan": 22, "pendidikan": 27, "kemiskinan": 5, "pengaduan": 4, "perizinan": 7}}
    assert (r["service_apps"]["active_government_administration"],
            r["service_apps"]["active_other_public_services"]) == (123, 29)
    plan = r["plan"]
    assert (plan["wargaku"]["total"], plan["kantorku"]["total"], plan["switched_off"]["total"]) == (65, 123, 73)
    assert {k: len(v) for k, v in plan["wargaku"]["clusters"].items()} == {
        "kemiskinan": 5, "kesehatan": 22, "pendidikan": 27, "pengaduan": 4, "perizinan": 7}


def test_the_sample_census_is_what_its_script_writes():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make", SAMPLE.with_name("make_surabaya_census.py"))
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    assert make.render() == SAMPLE.read_bytes()

"""The report computed from a registry (pure): Surabaya's published figures from the sample census, and a different
small census's own figures, duplicates and dormant candidates."""

from pathlib import Path

from palapa.catalog.census import parse as census
from palapa.catalog.report.duplicates import groups, words
from palapa.catalog.report.figures import report

SAMPLE = Path(__file__).parents[2] / "data" / "surabaya-census.csv"
HEADER = "No;Nama Aplikasi;OPD Pengelola;Alamat URL;Jenis Aplikasi;Sasaran Pengguna;Bidang Layanan;Status;Keterangan\n"
#: A town of 9 apps: two OPDs each run a staff-records app, two a health-queue app; one dead app, one profile site.
SMALL = HEADER + """1;SIMPEG;BKPSDM;;Administrasi Pemerintahan;Internal Pemerintah;Kepegawaian;Aktif;
2;Simpeg Online Guru;Dinas Pendidikan;;Administrasi Pemerintahan;Internal Pemerintah;Kepegawaian;Aktif;
3;Antrian Puskesmas;Dinas Kesehatan;;Layanan Publik;Masyarakat;Kesehatan;Aktif;
4;E-Antrian Puskesmas;RSUD;;Layanan Publik;Masyarakat;Kesehatan;Aktif;
5;Antrian Puskesmas Lama;Dinas Kesehatan;;Layanan Publik;Masyarakat;Kesehatan;Aktif;
6;Lapor Jalan;Dinas PU;;Layanan Publik;Masyarakat;Pengaduan;Aktif;
7;Sistem Gaji;BPKAD;;Administrasi Pemerintahan;Internal Pemerintah;Keuangan;Tidak Aktif;Server mati 2022
8;Website Dinkes;Dinas Kesehatan;;Website Profil;Masyarakat;;Aktif;
9;Sikda Pajak;Bapenda;;Layanan Publik;Masyarakat;Pajak;Aktif;
"""


def test_the_sample_census_reports_every_published_figure_of_surabaya():
    r = report(census.parse(SAMPLE.read_bytes()).apps)
    assert r["total"] == 322
    assert r["by_audience"] == {"pegawai": 212, "warga": 110}
    s = r["service_apps"]
    assert (s["total"], s["active"], s["inactive"]) == (286, 217, 69)
    assert r["profile_websites"] == {"total": 36, "active": 32, "inactive": 4}
    assert s["active_in_public_fields"] == {"total": 65, "by_field": {
        "kesehatan": 22, "pendidikan": 27, "kemiskinan": 5, "pengaduan": 4, "perizinan": 7}}
    assert (s["active_government_administration"], s["active_other_public_services"]) == (123, 29)
    plan = r["plan"]
    assert (plan["wargaku"]["total"], plan["kantorku"]["total"], plan["switched_off"]["total"]) == (65, 123, 73)
    assert {k: len(v) for k, v in plan["wargaku"]["clusters"].items()} == {
        "kemiskinan": 5, "kesehatan": 22, "pendidikan": 27, "pengaduan": 4, "perizinan": 7}
    assert sum(map(len, plan["kantorku"]["clusters"].values())) == 123
    assert r["by_lifecycle"] == {"aktif": 249, "dorman": 73}
    assert r["dormant_candidates"]["total"] == 73
    assert r["dormant_candidates"]["apps"][0]["evidence"]["source"] == "sensus"
    assert r["duplicates"]["total_groups"] == 0  # each field of the sample has one OPD


def test_another_census_shows_its_own_figures_duplicates_and_candidates():
    r = report(census.parse(SMALL.encode()).apps)
    assert (r["total"], r["by_audience"]) == (9, {"pegawai": 3, "warga": 6})
    s = r["service_apps"]
    assert (s["total"], s["active"], s["inactive"]) == (8, 7, 1)
    assert s["active_in_public_fields"] == {"total": 4, "by_field": {
        "kesehatan": 3, "pendidikan": 0, "kemiskinan": 0, "pengaduan": 1, "perizinan": 0}}
    assert (s["active_government_administration"], s["active_other_public_services"]) == (2, 1)
    assert r["profile_websites"] == {"total": 1, "active": 1, "inactive": 0}
    plan = r["plan"]
    assert (plan["wargaku"]["total"], plan["kantorku"]["total"], plan["switched_off"]["total"]) == (4, 2, 1)
    dups = r["duplicates"]
    assert [(g["field"], g["shared_words"], [a["name"] for a in g["apps"]]) for g in dups["groups"]] == [
        ("kesehatan", ["antrian", "puskesmas"], ["Antrian Puskesmas", "Antrian Puskesmas Lama", "E-Antrian Puskesmas"]),
        ("kepegawaian", ["simpeg"], ["SIMPEG", "Simpeg Online Guru"]),
    ]
    assert (dups["total_groups"], dups["apps_involved"]) == (2, 5)
    assert [(c["name"], c["evidence"]) for c in r["dormant_candidates"]["apps"]] == [
        ("Sistem Gaji", {"source": "sensus", "note": "Server mati 2022"})]


def test_duplicates_need_different_opds_and_the_same_field():
    apps = census.parse((HEADER + """1;Antrian Puskesmas;Dinas Kesehatan;;Layanan Publik;Masyarakat;Kesehatan;Aktif;
2;Antrian Puskesmas Dua;Dinas Kesehatan;;Layanan Publik;Masyarakat;Kesehatan;Aktif;
3;Antrian Puskesmas;Dispendukcapil;;Layanan Publik;Masyarakat;Kependudukan;Aktif;
""").encode()).apps
    assert groups(apps) == []
    assert words("Aplikasi SI-MAKEL 2.0 Kota Mojokerto") == {"makel"}

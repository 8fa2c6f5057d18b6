"""The report page rendered from a report (pure): Surabaya's figures in Bahasa Indonesia, names escaped."""

from pathlib import Path

from palapa.catalog.census import parse as census
from palapa.catalog.report.figures import report
from palapa.catalog.report.render import page

SAMPLE = Path(__file__).parents[2] / "data" / "surabaya-census.csv"


def test_the_page_writes_surabayas_figures_in_bahasa_indonesia():
    html = page(report(census.parse(SAMPLE.read_bytes()).apps))
    for sentence in ("Dari <b>322</b> aplikasi, <b>212</b> melayani internal pemerintah dan <b>110</b> melayani "
                     "masyarakat", "<b>286</b> aplikasi layanan (<b>217</b> aktif, <b>69</b> mati)",
                     "<b>36</b> website profil (<b>32</b> aktif, <b>4</b> mati)",
                     "<b>65</b> berada di lima bidang layanan publik (22 kesehatan, 27 pendidikan, 5 kemiskinan, "
                     "4 pengaduan, 7 perizinan)", "<b>123</b> aplikasi administrasi pemerintahan dan <b>29</b> "
                     "layanan publik lainnya"):
        assert sentence in html
    assert html.count("<svg") == 6 and 'data-chart="plan-wargaku"' in html
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_names_from_a_spreadsheet_are_escaped():
    body = ("No;Nama Aplikasi;OPD Pengelola;Alamat URL;Jenis Aplikasi;Sasaran Pengguna;Bidang Layanan;Status;"
            "Keterangan\n1;<script>alert(1)</script>;Dinas <b>X</b>;;Layanan Publik;Masyarakat;Kesehatan;"
            "Tidak Aktif;<img src=x onerror=alert(1)>\n")
    html = page(report(census.parse(body.encode()).apps))
    assert "<script>alert" not in html and "<img" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_large_duplicate_group_lists_a_few_apps_and_counts_the_rest():
    rows = "".join(f"{i};Antrian Puskesmas {i};OPD {i};;Layanan Publik;Masyarakat;Kesehatan;Aktif;\n"
                   for i in range(20))
    body = ("No;Nama Aplikasi;OPD Pengelola;Alamat URL;Jenis Aplikasi;Sasaran Pengguna;Bidang Layanan;Status;"
            "Keterangan\n")
    html = page(report(census.parse((body + rows).encode()).apps))
    assert html.count("Antrian Puskesmas") == 8 and "dan 12 aplikasi lainnya" in html


def test_an_empty_registry_still_renders_a_page_of_zeros():
    html = page(report([]))
    assert 'data-figure="total"><span class="n">0</span>' in html and html.count("<svg") == 4

"""GET /report on the real PostgreSQL for a census other than Surabaya's: its own figures, computed each time."""

import pytest

pytestmark = pytest.mark.integration

HEADER = "No;Nama Aplikasi;OPD Pengelola;Alamat URL;Jenis Aplikasi;Sasaran Pengguna;Bidang Layanan;Status;Keterangan\n"
TOWN = HEADER + """1;SIMPEG;BKPSDM;;Administrasi Pemerintahan;Internal Pemerintah;Kepegawaian;Aktif;
2;Simpeg Online Guru;Dinas Pendidikan;;Administrasi Pemerintahan;Internal Pemerintah;Kepegawaian;Aktif;
3;Antrian Puskesmas;Dinas Kesehatan;;Layanan Publik;Masyarakat;Kesehatan;Aktif;
4;E-Antrian Puskesmas;RSUD;;Layanan Publik;Masyarakat;Kesehatan;Aktif;
5;Sistem Gaji;BPKAD;;Administrasi Pemerintahan;Internal Pemerintah;Keuangan;Tidak Aktif;Server mati 2022
6;Website Dinkes;Dinas Kesehatan;;Website Profil;Masyarakat;;Aktif;
"""


async def test_another_census_reports_its_own_figures_and_they_follow_each_change(catalog, sign_in, census_only):
    await sign_in(catalog, "bpkad.rina")
    assert (await catalog.http.post("/census", content=TOWN.encode())).json()["read"] == 6
    r = census_only((await catalog.http.get("/report")).json())
    assert (r["total"], r["by_audience"]) == (6, {"pegawai": 3, "warga": 3})
    assert (r["service_apps"]["active"], r["service_apps"]["inactive"]) == (4, 1)
    assert (r["plan"]["wargaku"]["total"], r["plan"]["kantorku"]["total"], r["plan"]["switched_off"]["total"]) == (
        2, 2, 1)
    assert r["duplicates"]["total_groups"] == 2
    assert [c["name"] for c in r["dormant_candidates"]["apps"]] == ["Sistem Gaji"]
    app_id = next(a["app_id"] for a in (await catalog.http.get("/apps", params={"q": "Sistem Gaji"})).json()["items"])
    res = await catalog.http.post(f"/apps/{app_id}/retire", json={"actor": "bpkad.rina", "reason": "Server mati"})
    assert res.status_code == 200
    after = census_only((await catalog.http.get("/report")).json())
    assert after["by_lifecycle"] == {"aktif": 5, "pensiun": 1} and after["dormant_candidates"]["total"] == 0
    assert after["plan"]["switched_off"]["total"] == 1
    opds = {o["opd"]: o for o in (await catalog.http.get("/opds")).json()["items"]}
    assert opds["BPKAD"]["by_lifecycle"] == {"aktif": 0, "dorman": 0, "pensiun": 1}
    assert [a["name"] for a in opds["Dinas Kesehatan"]["apps"]] == ["Antrian Puskesmas", "Website Dinkes"]
    page = await catalog.http.get("/report/page")
    assert page.status_code == 200 and "default-src 'none'" in page.headers["content-security-policy"]
    assert 'data-figure="total"><span class="n">12</span>' in page.text  # with the six pilot apps

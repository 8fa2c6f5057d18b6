"""The census import and the report on the real PostgreSQL: Surabaya's figures, re-imports, refused files."""

import asyncio
import io
from pathlib import Path

import httpx
import openpyxl
import pytest
import uvicorn

from palapa.catalog import cli
from palapa.catalog.census.parse import COLUMNS
from palapa.catalog.main import create_app
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).parents[2] / "data" / "surabaya-census.csv"


async def test_the_imported_sample_census_reports_surabayas_figures_and_reimports_change_nothing(catalog,
                                                                                                 census_only):
    first = (await catalog.http.post("/census", content=SAMPLE.read_bytes())).json()
    assert (first["read"], first["inserted"], first["updated"], first["refused"]) == (322, 322, 0, [])
    again = (await catalog.http.post("/census", content=SAMPLE.read_bytes())).json()
    assert (again["read"], again["inserted"], again["updated"]) == (322, 0, 322)
    r = census_only((await catalog.http.get("/report")).json())
    assert (r["total"], r["unclassified"]) == (322, 0)  # Surabaya's own figures, the pilot apps' taken off
    assert r["by_audience"] == {"pegawai": 212, "warga": 110}
    services, sites = r["service_apps"], r["profile_websites"]
    assert (services["total"], services["active"], services["inactive"]) == (286, 217, 69)
    assert sites == {"total": 36, "active": 32, "inactive": 4}
    assert services["active_in_public_fields"] == {"total": 65, "by_field": {
        "kesehatan": 22, "pendidikan": 27, "kemiskinan": 5, "pengaduan": 4, "perizinan": 7}}
    assert (services["active_government_administration"], services["active_other_public_services"]) == (123, 29)
    plan = r["plan"]
    assert (plan["wargaku"]["total"], plan["kantorku"]["total"], plan["switched_off"]["total"]) == (65, 123, 73)
    assert r["audience_by_kind"]["warga"]["website profil"] == 10


async def test_an_imported_app_is_in_the_registry_with_its_classification_and_the_seed_still_works(catalog):
    await catalog.http.post("/census", content=SAMPLE.read_bytes())
    items = (await catalog.http.get("/apps", params={"q": "Layanan Kesehatan 001"})).json()["items"]
    assert [(a["kind"], a["audience"], a["field"], a["lifecycle"], a["tier"], a["super_app"], a["cluster"])
            for a in items] == [("layanan publik", "warga", "kesehatan", "aktif", "tautan", "wargaku", "kesehatan")]
    curhat = (await catalog.http.get("/apps/curhat-ning-ita")).json()
    assert (curhat["tier"], curhat["kind"], curhat["bridge"]) == ("terhubung", "layanan publik", "bridge-curhat")


async def test_refused_rows_come_back_with_their_line_and_the_rest_is_imported(catalog):
    body = (b"No;Nama Aplikasi;OPD Pengelola;Alamat URL;Jenis Aplikasi;Sasaran Pengguna;Bidang Layanan;Status;"
            b"Keterangan\n"
            b"1;Sapa;Diskominfo;;Layanan Publik;Masyarakat;Pengaduan;Aktif;\n"
            b"2;;Diskominfo;;Layanan Publik;Masyarakat;Pengaduan;Aktif;\n")
    res = (await catalog.http.post("/census", content=body)).json()
    assert (res["read"], res["refused"]) == (1, [{"line": 3, "reason": "Nama Aplikasi kosong"}])


async def test_an_xlsx_census_is_imported_with_refused_rows_named_by_their_sheet_row(catalog):
    book = openpyxl.Workbook()
    for row in (COLUMNS, [1, "Sapa XLSX", "Diskominfo", None, "Layanan Publik", "Masyarakat", "Pengaduan", "Aktif"],
                [], [3.0, "Rusak", "Diskominfo", None, "Layanan Publik", "Masyarakat", "Pengaduan", "Hidup"]):
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    res = (await catalog.http.post("/census", content=out.getvalue())).json()
    assert (res["read"], res["inserted"], res["format"]) == (1, 1, "xlsx")
    assert [(r["line"], r["reason"].split(" (")[0]) for r in res["refused"]] == [(4, "Status 'Hidup' tidak dikenal")]
    items = (await catalog.http.get("/apps", params={"q": "Sapa XLSX"})).json()["items"]
    assert [(a["name"], a["super_app"]) for a in items] == [("Sapa XLSX", "wargaku")]
    corrupt = await catalog.http.post("/census", content=out.getvalue()[:400])
    assert (corrupt.status_code, corrupt.json()["reason"]) == (422, "unreadable_census")
    assert "XLSX rusak" in corrupt.json()["detail"]


#: (body, status, reason): one service start for the whole table
NOT_A_CENSUS = [
    (b"", 422, "unreadable_census"),
    (b"PK\x03\x04rest", 422, "unreadable_census"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, 422, "unreadable_census"),  # password-protected XLSX
    (b"a;b;c\n1;2;3\n", 422, "unreadable_census"),
    (b"No;Nama\x00", 422, "unreadable_census"),
    (b"x" * (10 * 1024 * 1024 + 1), 413, "too_large"),
]


async def test_a_file_that_is_no_census_is_a_4xx_with_the_reason(catalog):
    wrong = []
    for body, status, reason in NOT_A_CENSUS:
        res = await catalog.http.post("/census", content=body)
        if (res.status_code, res.json().get("reason")) != (status, reason) or not res.json().get("detail"):
            wrong.append(f"{body[:20]!r}: {res.status_code} {res.text[:120]}")
    assert wrong == []


async def test_the_import_command_posts_the_file_to_a_running_catalog(settings, capsys, identity_provider):
    token = await identity_provider.person("kominfo.sari", ["catalog-admin"])
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: server.started or None, what="catalog-svc listening")
        port = server.servers[0].sockets[0].getsockname()[1]
        code = await asyncio.to_thread(cli.main, ["import", str(SAMPLE), "--url", f"http://127.0.0.1:{port}",
                                                  "--actor", "kominfo.sari", "--reason", "Sensus 2026",
                                                  "--token", token])
        assert code == 0
        assert "322 aplikasi terbaca (322 baru, 0 diperbarui), 0 baris ditolak" in capsys.readouterr().out
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            [app] = (await http.get("/apps", params={"q": "Layanan Kesehatan 001"})).json()["items"]
            [entry] = (await http.get(f"/apps/{app['app_id']}/history")).json()["items"]
        assert (entry["actor"], entry["reason"], entry["action"]) == ("kominfo.sari", "Sensus 2026", "registered")
        # without a token the import is refused with the reason
        assert await asyncio.to_thread(cli.main, ["import", str(SAMPLE), "--url", f"http://127.0.0.1:{port}"]) == 2
        err = capsys.readouterr().err
        assert "Sensus ditolak (401)" in err and "token_missing" in err
    finally:
        server.should_exit = True
        await task
    assert await asyncio.to_thread(cli.main, ["import", str(SAMPLE), "--url", f"http://127.0.0.1:{port}"]) == 2

"""The directory's API on the real PostgreSQL: odd and hostile input, synonyms edited as data, imports."""

import pytest

from palapa.catalog.directory.domain import COLUMNS

pytestmark = pytest.mark.integration

#: (raw query string, status, reason or None): never a 5xx, every 4xx with its reason
ODD = [
    ("q=%27%22%5C", 200, None),  # ' " \
    ("q=%21%3F.%2C%3B%3A", 200, None),  # only punctuation
    ("q=%27%3B%20DROP%20TABLE%20catalog.services%3B--", 200, None),
    ("q=ktp%27%20%7C%20%21%20%26%20%3A%2A", 200, None),  # tsquery operators
    ("q=%25%25%25_", 200, None),  # LIKE wildcards
    ("q=%F0%9F%9A%91%20ambulans%20%D8%A7%D9%84%D8%B9%D8%B1%D8%A8%D9%8A%D8%A9", 200, None),  # emoji, Arabic
    ("q=" + "a" * 10_240, 422, "query_too_long"),
    ("q=ktp%00", 422, "invalid_query"),
    ("q=ktp&limit=abc", 422, "invalid_limit"),
    ("q=ktp&limit=0", 422, "invalid_limit"),
    ("q=ktp&limit=99999999999999999999", 422, "invalid_limit"),
    ("q=ktp&audience=%00", 422, "invalid_audience"),
    ("q=ktp&opd=" + "x" * 1000, 422, "invalid_opd"),
    ("q=ktp&opd=%27%20OR%201%3D1--", 200, None),
    ("q=ktp&q=kk", 200, None),
    ("q=", 200, None),
    ("", 200, None),
]


async def test_odd_and_hostile_queries_get_an_answer_or_a_reason_never_an_error(catalog):
    wrong = []
    for query, status, reason in ODD:
        res = await catalog.http.get(f"/directory/search?{query}")
        body = res.json()
        if res.status_code != status or (reason and (body.get("reason") != reason or not body.get("detail"))):
            wrong.append(f"{query[:60]}: {res.status_code} {res.text[:160]}")
    assert wrong == []
    injected = (await catalog.http.get("/directory/search", params={"q": "ktp", "opd": "' OR 1=1--"})).json()
    assert injected["items"] == []
    listing = (await catalog.http.get("/directory/search", params={"limit": "50"})).json()["items"]
    assert len(listing) == 50  # no words: every service, by name, still there after the attempts above


async def test_a_synonym_group_added_through_the_api_is_searched_at_once_and_removed_again(catalog):
    before = (await catalog.http.get("/directory/search", params={"q": "surat sakti"})).json()["items"]
    assert "surat-domisili" not in [i["service_id"] for i in before[:1]]
    put = await catalog.http.put("/directory/synonyms/domisili", json={"terms": ["surat sakti", "surat domisili"]})
    assert put.json() == {"group_id": "domisili", "terms": ["surat sakti", "surat domisili"]}
    after = (await catalog.http.get("/directory/search", params={"q": "surat sakti"})).json()["items"]
    assert after[0]["service_id"] == "surat-domisili"
    groups = (await catalog.http.get("/directory/synonyms")).json()
    assert {"group_id": "akta", "terms": ["akta", "akte"]} in groups
    bad = await catalog.http.put("/directory/synonyms/domisili", json={"terms": ["sama"]})
    assert (bad.status_code, bad.json()["reason"]) == (422, "invalid_synonyms")
    assert (await catalog.http.delete("/directory/synonyms/domisili")).status_code == 204
    assert (await catalog.http.delete("/directory/synonyms/domisili")).status_code == 404


async def test_services_imported_through_the_api_are_searchable_and_refused_rows_named(catalog):
    body = "\n".join([
        ";".join(COLUMNS),
        "izin-keramaian;Rekomendasi Izin Keramaian;si-makel;Si Makel;BAGPEM;pemerintahan;Masyarakat;"
        "Surat pengantar RT/RW|KTP-el;0;3;https://simakel.mojokertokota.go.id;hajatan pesta orkes;Untuk hajatan",
        "rusak;;si-makel;Si Makel;BAGPEM;pemerintahan;Masyarakat;;0;3;;;",
    ]).encode()
    res = (await catalog.http.post("/directory/services", content=body)).json()
    assert (res["read"], res["inserted"], res["updated"]) == (1, 1, 0)
    assert res["refused"] == [{"line": 3, "reason": "Nama Layanan kosong"}]
    again = (await catalog.http.post("/directory/services", content=body)).json()
    assert (again["inserted"], again["updated"]) == (0, 1)
    hits = (await catalog.http.get("/directory/search", params={"q": "hajatan"})).json()["items"]
    assert [(h["service_id"], h["days_text"], h["requirements"]) for h in hits] == [
        ("izin-keramaian", "3 hari kerja", ["Surat pengantar RT/RW", "KTP-el"])]
    one = await catalog.http.get("/directory/services/izin-keramaian")
    assert one.json()["served"] == {"where": "tautan", "url": "https://simakel.mojokertokota.go.id"}
    bad = await catalog.http.post("/directory/services", content=b"\x00\x01")
    assert (bad.status_code, bad.json()["reason"]) == (422, "unreadable_file")
    assert (await catalog.http.get("/directory/services/NOPE")).json()["reason"] == "malformed_service_id"
    assert (await catalog.http.delete("/directory/services/izin-keramaian")).status_code == 204
    assert (await catalog.http.get("/directory/services/izin-keramaian")).status_code == 404

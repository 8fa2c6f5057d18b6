"""The simulated Si Makel app keeps its requests and serves them as its PHP app writes XML."""

from datetime import datetime, timedelta

import httpx

from palapa.simakel_legacy.api import create_app
from palapa.simakel_legacy.requests import KECAMATAN, SiMakel
from palapa.simakel_legacy.xmlpage import page_xml


def test_requests_move_through_their_statuses_and_sit_in_a_real_kelurahan():
    simakel = SiMakel(seed=4, quirk_ratio=0)
    req = simakel.submit()
    assert req.kelurahan in KECAMATAN[req.kecamatan]
    assert simakel.move(req.id).status in ("1", "9")


def test_changed_since_pages_by_update_time():
    t = datetime(2026, 11, 26, 9, 0)
    simakel = SiMakel(seed=4, quirk_ratio=0, clock_skew=timedelta(0), now=lambda: t)
    for _ in range(5):
        simakel.submit()
    rows, pages = simakel.changed_since(None, 2, 2)
    assert pages == 3 and len(rows) == 2
    assert simakel.changed_since(t + timedelta(hours=1), 1, 2) == ([], 1)


def test_the_mangled_page_holds_latin1_bytes_and_html_entities():
    simakel = SiMakel(seed=4, quirk_ratio=0)
    a = simakel.submit(quirk="latin1", nama="André Wijaya")
    b = simakel.submit(quirk="entities", kelurahan="Prajurit Kulon", kecamatan="Prajurit Kulon")
    body = page_xml([a, b], 1, 1, datetime(2026, 11, 26, 9, 0))
    assert b"Andr\xe9" in body and b"Prajurit&nbsp;Kulon" in body


async def test_the_api_answers_xml_and_serves_a_raw_page_when_told():
    simakel = SiMakel(seed=4, quirk_ratio=0)
    simakel.submit()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(simakel)), base_url="http://simakel"
    ) as http:
        answer = await http.get("/api/permohonan", params={"halaman": 1})
        assert answer.headers["content-type"].startswith("application/xml") and b"<permohonan" in answer.content
        assert (await http.get("/api/permohonan", params={"sejak": "kemarin"})).status_code == 400
        await http.put("/sim/halaman-mentah", content=b"<!DOCTYPE x>")
        assert (await http.get("/api/permohonan")).content == b"<!DOCTYPE x>"

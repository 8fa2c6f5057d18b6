"""The citizen's pages rendered from the answers catalog-svc and taxbill-svc give (their shapes, recorded)."""

import httpx
import pytest

from palapa.gate.main import create_app
from palapa.gate.settings import GateSettings


@pytest.fixture
async def gate(upstream_transport):
    settings = GateSettings(form_burst=2, form_per_minute=1)
    app = create_app(settings, transport=upstream_transport)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gate") as http:
            yield http


async def test_home_offers_the_search_and_the_four_most_needed_actions(gate):
    page = await gate.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="id">' in page.text and 'name="viewport"' in page.text
    assert 'action="/cari"' in page.text
    for href in ('href="/lapor"', 'href="/lacak"', 'href="/pajak"', 'href="/darurat"'):
        assert href in page.text
    assert "<script" not in page.text and "style=" not in page.text  # nothing the CSP would have to allow
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


async def test_a_search_lists_services_linking_to_their_pages(gate):
    page = await gate.get("/cari", params={"q": "bikin surat domisili"})
    assert page.status_code == 200
    assert 'href="/layanan/surat-domisili"' in page.text and "Surat Keterangan Domisili" in page.text
    assert "Gratis · 1 hari kerja" in page.text
    empty = await gate.get("/cari", params={"q": "tidak ada"})
    assert "Tidak ada layanan yang cocok" in empty.text


async def test_what_the_directory_holds_is_escaped_never_run(gate):
    page = await gate.get("/cari", params={"q": "evil"})
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert "<img src=x" not in page.text


async def test_a_search_while_the_directory_is_away_says_so_with_503(gate):
    page = await gate.get("/cari", params={"q": "rusak"})
    assert page.status_code == 503 and "sedang tidak tersedia" in page.text


async def test_a_service_page_shows_requirements_fee_days_who_and_its_action(gate):
    page = await gate.get("/layanan/surat-domisili")
    assert page.status_code == 200
    for text in ("Fotokopi KTP-el", "Surat pengantar RT/RW", "Gratis", "1 hari kerja", "Kelurahan", "Si Makel"):
        assert text in page.text
    assert 'href="/lacak"' in page.text and 'data-in-gate="ya"' in page.text


async def test_a_service_of_another_app_links_to_that_app_and_says_it_leaves_palapa(gate):
    page = await gate.get("/layanan/kk-baru")
    assert 'href="https://dispendukcapil.mojokertokota.go.id/layanan/kk"' in page.text
    assert "(situs lain)" in page.text and 'data-in-gate="tidak"' in page.text


async def test_an_unknown_or_malformed_service_is_a_404_page(gate):
    for path in ("/layanan/tidak-ada", "/layanan/..%2F..%2Fetc", "/layanan/" + "a" * 300):
        page = await gate.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 404, path
        assert "tidak ada" in page.text and "<h1>" in page.text


async def test_a_tax_bill_is_a_page_with_amount_due_date_and_status(gate):
    form = await gate.get("/pajak")
    assert form.status_code == 200 and 'name="nop"' in form.text
    page = await gate.get("/pajak", params={"nop": "35.76.010.001.000-0000.0"})
    assert page.status_code == 200
    for text in ("Rp 1.250.000", "31 Agustus 2026", "Belum dibayar", "35.76.010.001.000-0000.0"):
        assert text in page.text


async def test_a_bad_or_unknown_nop_gets_the_reason_on_the_page(gate):
    bad = await gate.get("/pajak", params={"nop": "abc"})
    assert bad.status_code == 400 and "NOP tidak valid" in bad.text
    unknown = await gate.get("/pajak", params={"nop": "357601000100000001"})
    assert unknown.status_code == 404 and "tidak ditemukan" in unknown.text


async def test_the_emergency_page_says_call_119_what_to_say_and_how_to_follow(gate):
    page = await gate.get("/darurat")
    assert 'href="tel:119"' in page.text
    assert "Lokasi" in page.text and "Kondisi korban" in page.text
    assert 'action="/lacak"' in page.text and 'name="tiket"' in page.text


async def test_an_unknown_page_is_a_page_for_people_and_a_refusal_for_programs(gate):
    page = await gate.get("/tidak-ada", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "tidak ada" in page.text and "<h1>" in page.text
    api = await gate.get("/tidak-ada", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.json()["reason"] == "not_found"


async def test_the_limiter_lets_a_burst_through_then_answers_429_with_retry_after(gate):
    ask = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Method": "POST", "X-Forwarded-Uri": "/complaints"}
    assert [(await gate.get("/_gate/limit", headers=ask)).status_code for _ in range(2)] == [204, 204]
    refused = await gate.get("/_gate/limit", headers=ask)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert refused.json()["reason"] == "rate_limited"
    other = {**ask, "X-Forwarded-For": "203.0.113.8"}
    assert (await gate.get("/_gate/limit", headers=other)).status_code == 204
    browsing = {**ask, "X-Forwarded-Method": "GET", "X-Forwarded-Uri": "/cari?q=ktp"}
    assert (await gate.get("/_gate/limit", headers=browsing)).status_code == 204


async def test_a_repeated_search_is_answered_without_asking_the_directory_again(upstream_transport):
    asked: list[str] = []

    def counting(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return upstream_transport.handler(request)

    app = create_app(GateSettings(page_cache_s=60), transport=httpx.MockTransport(counting))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gate") as http:
            first = await http.get("/cari", params={"q": "Surat  Domisili"})
            again = await http.get("/cari", params={"q": "surat domisili"})
            failed = [(await http.get("/cari", params={"q": "rusak"})).status_code for _ in range(2)]
    assert first.text == again.text and asked.count("/directory/search") == 3
    assert failed == [503, 503]  # a failure is never kept

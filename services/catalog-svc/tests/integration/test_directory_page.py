"""The directory's search page in Debian's Chromium: type what you need, see what each service asks for."""

import pytest
from playwright.async_api import async_playwright, expect

from palapa.catalog.main import create_app
from palapa.localstack import free_port
from palapa.testkit import running

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture
async def page():
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield await browser.new_page(locale="id-ID", viewport={"width": 800, "height": 1000})
        finally:
            await browser.close()


async def test_a_citizen_types_a_query_and_sees_requirements_fee_and_working_days(settings, page):
    async with running(create_app(settings), port=free_port(), name="catalog-svc") as svc:
        await page.goto(svc.base_url + "/directory/")
        await page.get_by_label("Layanan yang dicari").fill("akte kelahiran")
        await page.get_by_role("button", name="Cari").click()

        results = page.get_by_test_id("result")
        first = results.first
        await expect(first.get_by_test_id("result-name")).to_have_text("Penerbitan Akta Kelahiran")
        await expect(first.get_by_test_id("fee")).to_have_text("Gratis")
        await expect(first.get_by_test_id("days")).to_have_text("1 hari kerja")
        await expect(first.get_by_test_id("requirements")).to_contain_text("Kartu Keluarga orang tua")
        await expect(first.get_by_test_id("where")).to_contain_text("dispendukcapil.mojokertokota.go.id")
        assert "q=akte+kelahiran" in page.url  # a search can be shared as a link

        await page.get_by_label("Layanan yang dicari").fill("ambulan")  # a typo
        await page.keyboard.press("Enter")
        await expect(first.get_by_test_id("result-name")).to_have_text("Ambulans Gawat Darurat PSC 119")
        await expect(page.get_by_test_id("summary")).to_contain_text("“ambulan” → “ambulans”")

        await page.get_by_label("Layanan yang dicari").fill("x" * 200 + "\\\"'<b>")
        await page.keyboard.press("Enter")
        await expect(page.get_by_test_id("summary")).to_contain_text("Tidak ada layanan yang cocok")

        await page.goto(svc.base_url + "/directory/?q=pengaduan")
        await expect(first.get_by_test_id("where")).to_contain_text("Dilayani di portal Palapa")
        assert await page.get_by_test_id("citizen-link").get_attribute("href") == "/directory/lacak"
        lacak = await svc.http.get("/directory/lacak", follow_redirects=False)
        assert (lacak.status_code, lacak.headers["location"]) == (303, settings.citizen_page_url)

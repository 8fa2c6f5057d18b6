"""The report page in Debian's Chromium: Surabaya's sample census imported, the page shows its figures and charts
(with the six seeded pilot apps, classified, counted beside the census's 322)."""

from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from palapa.catalog.main import create_app
from palapa.localstack import free_port
from palapa.testkit import running

pytestmark = [pytest.mark.integration, pytest.mark.browser]

SAMPLE = Path(__file__).parents[2] / "data" / "surabaya-census.csv"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


async def test_the_report_page_shows_surabayas_figures_and_draws_its_charts(settings, sign_in):
    async with running(create_app(settings), port=free_port(), name="catalog-svc") as svc:
        await sign_in(svc)
        assert (await svc.http.post("/census", content=SAMPLE.read_bytes())).json()["read"] == 322
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = await browser.new_page(locale="id-ID", viewport={"width": 1280, "height": 900})
                problems = []
                page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
                page.on("requestfailed", lambda r: problems.append(r.url))
                await page.goto(svc.base_url + "/report/page")
                await expect(page.get_by_role("heading", level=1)).to_have_text(
                    "Peta dan rasionalisasi aplikasi pemerintah kota")
                summary = page.get_by_test_id("ringkasan")
                await expect(summary).to_contain_text("Dari 328 aplikasi, 213 melayani internal pemerintah dan 115 "
                                                      "melayani masyarakat")
                await expect(summary).to_contain_text("68 berada di lima bidang layanan publik (24 kesehatan, "
                                                      "27 pendidikan, 5 kemiskinan, 5 pengaduan, 7 perizinan)")
                for name, figure in (("total", "328"), ("internal", "213"), ("public", "115"),
                                     ("active-services", "223"), ("wargaku", "68"), ("kantorku", "124"),
                                     ("switched-off", "73")):
                    await expect(page.locator(f'[data-figure="{name}"] .n')).to_have_text(figure)
                charts = page.locator("figure.chart svg")
                await expect(charts).to_have_count(6)
                for i in range(6):
                    box = await charts.nth(i).bounding_box()
                    assert box and box["width"] > 300 and box["height"] > 40, i
                    widths = await charts.nth(i).locator("rect.bar").evaluate_all(
                        "rs => rs.map(r => r.getBoundingClientRect().width)")
                    assert widths and max(widths) > 100, (i, widths)  # drawn, not zero-width
                bar = page.locator('[data-chart="active-services"] rect.bar')
                assert await bar.evaluate_all("rs => rs.map(r => +r.dataset.value)") == [24, 27, 5, 5, 7, 124, 31]
                await expect(page.get_by_test_id("kandidat-dorman")).to_have_count(40)  # of 73, the rest counted
                assert await page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor") \
                    == "rgb(11, 61, 145)"  # the service's own stylesheet loaded under its CSP
                assert problems == []
            finally:
                await browser.close()

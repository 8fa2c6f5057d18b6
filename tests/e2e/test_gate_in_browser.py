"""The gate in Debian's Chromium, as `./palapa up` runs it: Caddy in front of gate-svc, catalog-svc,
taxbill-svc, complaint-svc and notify-svc as their own processes. Home → search → a service's page, on a
desktop and on a 375-px phone, and axe-core finds no serious or critical violation on any of the gate's pages."""

from __future__ import annotations

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import async_playwright, expect

from .browsing import CHROMIUM, CHROMIUM_ARGS, needs_chromium, serious_violations

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
GATE_PAGES = ("/", "/cari?q=bikin+surat+domisili", "/cari?q=zzzqqq", "/layanan/surat-domisili",
              "/layanan/kk-baru", "/layanan/psc-119-ambulans", "/pajak", "/pajak?nop=35.76.010.001.000-0000.0",
              "/pajak?nop=abc", "/darurat", "/tidak-ada", "/lapor", "/lacak", "/lacak?tiket=PSC119-1")

pytestmark = [
    pytest.mark.integration, pytest.mark.browser, pytest.mark.asyncio(loop_scope="session"),
    needs_chromium,
]


@pytest.fixture
def gate(platform) -> str:
    """The one address."""
    return platform.gate.url


@pytest_asyncio.fixture(loop_scope="session")
async def browser():
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_a_citizen_searches_in_their_words_and_opens_the_service_page(gate, browser, viewport):
    page = await browser.new_page(locale="id-ID", viewport=VIEWPORTS[viewport])
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    await page.goto(gate + "/")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Layanan apa yang Anda butuhkan?")
    await page.get_by_label("Layanan yang dicari").fill("bikin surat domisili")
    await page.get_by_role("button", name="Cari").click()

    first = page.get_by_test_id("result-link").first
    await expect(first).to_have_text("Surat Keterangan Domisili")
    assert "/cari?q=bikin+surat+domisili" in page.url  # a search is a link that can be shared
    await first.click()

    await expect(page.get_by_test_id("service-name")).to_have_text("Surat Keterangan Domisili")
    await expect(page.get_by_test_id("requirements")).not_to_be_empty()
    await expect(page.get_by_test_id("fee")).not_to_be_empty()
    await expect(page.get_by_test_id("days")).to_contain_text("hari")
    await expect(page.get_by_test_id("action-note")).to_contain_text("Si Makel")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"], f"the page scrolls sideways at {viewport}: {width}px"
    assert refused == [], refused
    await page.close()


async def test_a_service_of_another_app_says_the_citizen_leaves_palapa(gate, browser):
    page = await browser.new_page(locale="id-ID", viewport=VIEWPORTS["phone"])
    await page.goto(gate + "/layanan/kk-baru")
    action = page.get_by_test_id("action")
    await expect(action).to_have_attribute("data-in-gate", "tidak")
    await expect(page.get_by_test_id("action-link")).to_have_attribute(
        "href", "https://dispendukcapil.mojokertokota.go.id/layanan/kk")
    await page.goto(gate + "/layanan/curhat-pengaduan")
    await expect(page.get_by_test_id("action-link")).to_have_attribute("href", "/lapor")
    await page.close()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_no_gate_page_has_a_serious_or_critical_accessibility_violation(gate, browser, viewport):
    page = await browser.new_page(locale="id-ID", viewport=VIEWPORTS[viewport])
    found = await serious_violations(page, gate, GATE_PAGES)
    await page.close()
    assert found == {}, found


async def test_a_gate_that_died_is_started_again_on_its_address(platform):
    platform.gate.proc.kill()
    platform.gate.proc.wait()
    assert "gate" in await platform.restart_crashed()
    async with httpx.AsyncClient(timeout=10) as http:
        assert (await http.get(platform.gate.url + "/darurat")).status_code == 200

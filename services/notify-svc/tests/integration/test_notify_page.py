"""The citizen page in Debian's Chromium: open a case's private link, then watch its status change live; a ticket
without its key opens nothing."""

import pytest
from playwright.async_api import async_playwright, expect

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture
async def browser_page():
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(locale="id-ID", viewport={"width": 800, "height": 1000})
            yield page
        finally:
            await browser.close()


async def test_a_citizen_sees_the_timeline_and_a_new_status_arrives_without_reloading(
    service, producer, update, browser_page
):
    page = browser_page
    ticket = "CURHAT-1042"
    for revision in (1, 2):
        await producer.send(update(ticket, revision))
    await service.stored(ticket, 2)

    key = service.reads(ticket)["X-Case-Key"]
    await page.goto(f"{service.base_url}/#tiket={ticket}&kunci={key}")  # the receipt's private link

    status = page.get_by_test_id("status")
    await expect(status).to_have_text("Diverifikasi")
    items = page.get_by_test_id("timeline-item")
    await expect(items).to_have_count(2)
    await expect(items.nth(0)).to_contain_text("Diterima")
    await expect(items.nth(0)).to_contain_text("20 November 2026")  # 01:30 UTC shown as 08.30 WIB
    await expect(items.nth(0)).to_contain_text("08.30 WIB")
    await expect(page.get_by_test_id("opd")).to_have_text("Dinas Pekerjaan Umum")
    await expect(page.get_by_test_id("connection")).to_have_text("Terhubung — pembaruan langsung")
    await page.evaluate("window.__sameDocument = true")  # lost on any reload

    await producer.send(update(ticket, 3))
    await expect(status).to_have_text("Sedang diproses")
    await expect(items).to_have_count(3)
    await expect(items.nth(2)).to_contain_text("Sedang diproses")
    assert await page.evaluate("window.__sameDocument === true")


async def test_an_unknown_ticket_says_so_and_shows_up_when_it_appears(service, producer, update, browser_page):
    page = browser_page
    key = service.reads("CURHAT-77")["X-Case-Key"]
    await page.goto(f"{service.base_url}/#tiket=CURHAT-77&kunci={key}")  # followed a moment after filing
    await expect(page.get_by_test_id("not-found")).to_be_visible()
    await expect(page.get_by_test_id("not-found")).to_contain_text("Tiket tidak ditemukan")
    await expect(page.get_by_test_id("connection")).to_have_text("Menunggu tiket tercatat…")
    await producer.send(update("CURHAT-77", 1))
    await expect(page.get_by_test_id("status")).to_have_text("Diterima")
    await expect(page.get_by_test_id("not-found")).to_be_hidden()


async def test_a_malformed_ticket_is_explained_on_the_page(service, browser_page):
    page = browser_page
    await page.goto(service.base_url + "/")
    await page.get_by_label("Nomor tiket").fill("1042")
    await page.get_by_role("button", name="Lacak").click()
    await expect(page.get_by_role("alert")).to_contain_text("Nomor tiket tidak valid")


async def test_a_ticket_without_its_key_or_with_another_key_opens_nothing_and_the_page_says_why(
    service, producer, update, browser_page
):
    page = browser_page
    await producer.send(update("CURHAT-1043", 1))
    await service.stored("CURHAT-1043", 1)
    await page.goto(service.base_url + "/")
    await page.get_by_label("Nomor tiket").fill("curhat-1043")
    await page.get_by_role("button", name="Lacak").click()
    await expect(page.get_by_role("alert")).to_contain_text("tautan pribadi")
    await page.get_by_label("Kunci akses").fill("kunci-orang-lain-" + "x" * 30)
    await page.get_by_role("button", name="Lacak").click()
    await expect(page.get_by_role("alert")).to_contain_text("Kunci akses tidak berlaku")
    await expect(page.get_by_test_id("ticket")).to_be_hidden()
